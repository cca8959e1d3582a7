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

    /**
     * Every foreign key the table takes part in, as child or parent; a multi-column key's columns
     * pair up by their position in {@code conkey} and {@code confkey}.
     */
    private static final String FOREIGN_KEYS = """
            SELECT con.conname, cn.nspname, cc.relname, ca.attname, pn.nspname, pc.relname, pa.attname,
                   con.confdeltype::text
              FROM pg_constraint con
              JOIN pg_class cc ON cc.oid = con.conrelid
              JOIN pg_namespace cn ON cn.oid = cc.relnamespace
              JOIN pg_class pc ON pc.oid = con.confrelid
              JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(child_att, parent_att, pos) ON true
              JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.child_att
              JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_att
             WHERE con.contype = 'f'
               AND ((cn.nspname = ? AND cc.relname = ?) OR (pn.nspname = ? AND pc.relname = ?))
             ORDER BY con.conname, cn.nspname, cc.relname, k.pos""";

    /**
     * Every unique index other than the primary key on plain columns (no expression, no predicate), with
     * each key column's nullability; an index whose NULLs are not distinct (PostgreSQL 15) has no column
     * whose NULL ends a collision. Read through {@code to_jsonb} so that servers without that flag work too.
     */
    private static final String UNIQUE_KEYS = """
            SELECT ic.relname, a.attname,
                   NOT a.attnotnull AND COALESCE(to_jsonb(i) ->> 'indnullsnotdistinct', 'false') <> 'true', true
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) ON true
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
             WHERE n.nspname = ? AND c.relname = ? AND i.indisunique AND NOT i.indisprimary
               AND i.indpred IS NULL AND i.indexprs IS NULL AND k.pos <= i.indnkeyatts
             ORDER BY ic.relname, k.pos""";

    private PostgresCatalog() {
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

    /** Every foreign key whose child or parent is {@code table}; empty when it has none (or does not exist). */
    public static List<ForeignKey> foreignKeys(Connection connection, TableRef table) throws SQLException {
        return ForeignKey.query(connection, FOREIGN_KEYS, table, ForeignKey.OnDelete::ofPostgresCode);
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
