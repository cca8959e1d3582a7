package io.syncline.tools.cli;

import io.syncline.core.site.TableShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a site's shape of a table differs from the reference site's: missing, another primary key or
 * other columns (its rows cannot be compared), or only other column types (they still can: a row is
 * compared by its values' text).
 */
final class ShapeDifference {

    /** The start of a difference that still lets the rows be compared. */
    static final String TYPES_ONLY = "column types differ";

    private ShapeDifference() {
    }

    /** A readable difference, or {@code null} when the shapes match. */
    static String between(String referenceSite, TableShape reference, String site, Optional<TableShape> shape) {
        if (shape.isEmpty()) {
            return "missing at site " + site;
        }
        TableShape other = shape.get();
        if (!other.keyColumns().equals(reference.keyColumns())) {
            return "primary key differs: (" + String.join(", ", reference.keyColumns()) + ") at " + referenceSite
                    + ", (" + String.join(", ", other.keyColumns()) + ") at " + site + "; rows at " + site
                    + " not compared";
        }
        if (!other.columns().keySet().equals(reference.columns().keySet())) {
            return "columns differ: (" + String.join(", ", reference.columns().keySet()) + ") at " + referenceSite
                    + ", (" + String.join(", ", other.columns().keySet()) + ") at " + site + "; rows at " + site
                    + " not compared";
        }
        List<String> types = new ArrayList<>();
        for (Map.Entry<String, TableShape.ColumnType> column : reference.columns().entrySet()) {
            String otherType = other.column(column.getKey()).sqlType();
            if (!otherType.equals(column.getValue().sqlType())) {
                types.add(column.getKey() + " " + column.getValue().sqlType() + " at " + referenceSite + ", "
                        + otherType + " at " + site);
            }
        }
        return types.isEmpty() ? null : TYPES_ONLY + ": " + String.join("; ", types);
    }
}
