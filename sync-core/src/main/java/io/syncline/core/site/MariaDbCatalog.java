package io.syncline.core.site;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads table shapes from a MariaDB site's {@code information_schema}. A table {@code s.t} is
 * table {@code t} of database {@code s}. A column's {@link TableShape.ColumnType#sqlType()} is its
 * full column type ({@code decimal(38,10) unsigned}); its type name is the data type
 * ({@code decimal}), with {@code json} for a longtext checked by {@code json_valid} and
 * {@code bool} for {@code tinyint(1)}.
 */
public final class MariaDbCatalog {

    private static final String COLUMNS = """
            SELECT c.COLUMN_NAME, c.COLUMN_TYPE, c.DATA_TYPE,
                   EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS k
                            WHERE k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
                              AND k.CHECK_CLAUSE LIKE CONCAT('json_valid(`', c.COLUMN_NAME, '`)'))
              FROM information_schema.COLUMNS c
             WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ?
             ORDER BY c.ORDINAL_POSITION""";

    private static final String KEY = """
            SELECT COLUMN_NAME FROM information_schema.STATISTICS
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'
             ORDER BY SEQ_IN_INDEX""";

    private MariaDbCatalog() {
    }

    /** The shape of a table, or empty when the site has no such table. */
    public static Optional<TableShape> describe(Connection connection, TableRef table) throws SQLException {
        Map<String, TableShape.ColumnType> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String columnType = rs.getString(2).toLowerCase();
                    String dataType = rs.getString(3).toLowerCase();
                    if (rs.getBoolean(4)) {
                        dataType = "json";
                    } else if (columnType.startsWith("tinyint(1)")) {
                        dataType = "bool";
                    }
                    columns.put(rs.getString(1), new TableShape.ColumnType(columnType, dataType));
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(KEY)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new TableShape(table, columns, key));
    }

    /** Quotes an identifier for MariaDB (backticks; a backtick inside is doubled). */
    public static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return '`' + identifier.replace("`", "``") + '`';
    }

    /** A table name quoted for MariaDB: {@code `database`.`table`}. */
    public static String quote(TableRef table) {
        return quote(table.schema()) + "." + quote(table.name());
    }
}
