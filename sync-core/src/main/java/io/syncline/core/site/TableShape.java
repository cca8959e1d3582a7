package io.syncline.core.site;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The columns and primary key of a table as the site's catalog describes them.
 *
 * @param table the table
 * @param columns column name to its type as {@code format_type(type, NULL)} prints it (no length
 *     modifier, so a cast to it never truncates), in table order
 * @param keyColumns primary-key columns in key order; empty when the table has none
 */
public record TableShape(TableRef table, Map<String, ColumnType> columns, List<String> keyColumns) {

    public TableShape {
        Objects.requireNonNull(table, "table");
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        keyColumns = List.copyOf(keyColumns);
    }

    /** One column's type: the SQL type name for casts and the catalog's short name. */
    public record ColumnType(String sqlType, String typeName) {
        public ColumnType {
            Objects.requireNonNull(sqlType, "sqlType");
            Objects.requireNonNull(typeName, "typeName");
        }
    }

    public boolean hasPrimaryKey() {
        return !keyColumns.isEmpty();
    }

    public ColumnType column(String name) {
        return columns.get(name);
    }
}
