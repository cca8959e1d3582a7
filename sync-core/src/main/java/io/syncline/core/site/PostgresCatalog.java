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

/** Reads table shapes from a PostgreSQL site's catalog. */
public final class PostgresCatalog {

    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, NULL), t.typname
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_type t ON t.oid = a.atttypid
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
               AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";

    private static final String KEY = """
            SELECT a.attname
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) ON true
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
             WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary
             ORDER BY k.pos""";

    private PostgresCatalog() {
    }

    /** Whether an existing table logs whole old rows on update and delete (REPLICA IDENTITY FULL). */
    public static boolean hasFullReplicaIdentity(Connection connection, TableRef table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT relreplident FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "f".equals(rs.getString(1));
            }
        }
    }

    /** The shape of a table, or empty when the site has no such table. */
    public static Optional<TableShape> describe(Connection connection, TableRef table) throws SQLException {
        Map<String, TableShape.ColumnType> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new TableShape.ColumnType(rs.getString(2), rs.getString(3)));
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
}
