package io.syncline.core.site;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL that finds a row by its canonical key text and writes a whole row image given as JSON, for
 * tools that copy rows between sites (repair, settling a parked conflict). Identifiers are quoted;
 * the key text and the JSON are bound as parameters.
 *
 * <pre>{@code
 * PreparedStatement ps = c.prepareStatement("DELETE FROM " + shape.table().quoted() + " AS t WHERE "
 *     + RowImageSql.keyMatches(shape));
 * ps.setString(1, keyText);
 * }</pre>
 */
public final class RowImageSql {

    private RowImageSql() {
    }

    /** {@code <key text of row t> = ?}, computed by the site's own {@code syncline.row_key}. */
    public static String keyMatches(TableShape shape) {
        List<String> columns = new ArrayList<>();
        for (String column : shape.keyColumns()) {
            columns.add("'" + column.replace("'", "''") + "'");
        }
        return "syncline.row_key(to_jsonb(t), ARRAY[" + String.join(", ", columns) + "]::text[]) = ?";
    }

    /** An upsert of the row image bound as JSON ({@code row_to_json} form) as the one parameter. */
    public static String upsertFromJson(TableShape shape) {
        List<String> updates = new ArrayList<>();
        for (String column : shape.columns().keySet()) {
            if (!shape.keyColumns().contains(column)) {
                updates.add(SqlIdentifiers.quote(column) + " = EXCLUDED." + SqlIdentifiers.quote(column));
            }
        }
        List<String> key = shape.keyColumns().stream().map(SqlIdentifiers::quote).toList();
        return "INSERT INTO " + shape.table().quoted() + " SELECT * FROM json_populate_record(NULL::"
                + shape.table().quoted() + ", ?::json) ON CONFLICT (" + String.join(", ", key) + ") "
                + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    }
}
