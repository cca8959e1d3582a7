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

    /** Every foreign key the table takes part in, as child or parent (InnoDB's; other engines keep none). */
    private static final String FOREIGN_KEYS = """
            SELECT k.CONSTRAINT_NAME, k.TABLE_SCHEMA, k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA,
                   k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE
              FROM information_schema.KEY_COLUMN_USAGE k
              JOIN information_schema.REFERENTIAL_CONSTRAINTS r
                ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
               AND r.TABLE_NAME = k.TABLE_NAME
             WHERE k.REFERENCED_TABLE_NAME IS NOT NULL
               AND ((k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ?)
                    OR (k.REFERENCED_TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME = ?))
             ORDER BY k.CONSTRAINT_NAME, k.TABLE_SCHEMA, k.TABLE_NAME, k.ORDINAL_POSITION""";

    /** Every unique index other than PRIMARY, with each column's nullability; a prefix index is unusable. */
    private static final String UNIQUE_KEYS = """
            SELECT s.INDEX_NAME, s.COLUMN_NAME, c.IS_NULLABLE = 'YES', s.SUB_PART IS NULL
              FROM information_schema.STATISTICS s
              JOIN information_schema.COLUMNS c
                ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
             WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0 AND s.INDEX_NAME <> 'PRIMARY'
             ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX""";

    private MariaDbCatalog() {
    }

    /** Every unique key of the table other than its primary key (see {@link UniqueKey}); empty when none. */
    public static List<UniqueKey> uniqueKeys(Connection connection, TableRef table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UNIQUE_KEYS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                return UniqueKey.read(rs);
            }
        }
    }

    /** Every foreign key whose child or parent is {@code table}; empty when it has none (or does not exist). */
    public static List<ForeignKey> foreignKeys(Connection connection, TableRef table) throws SQLException {
        return ForeignKey.query(connection, FOREIGN_KEYS, table, ForeignKey.OnDelete::ofRule);
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
