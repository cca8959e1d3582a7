package io.syncline.core.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every statement on {@code syncline.conflicts}, the site's conflict log. Writing an entry differs per
 * engine and is answered by each engine's {@link Dialect} ({@link ConflictLog} binds it); the public
 * methods read the log and settle parked conflicts, and are plain SQL unless they say otherwise.
 *
 * <pre>{@code
 * List<ConflictsTable.Logged> last = ConflictsTable.newest(connection, "public.orders", 10);
 * }</pre>
 */
public final class ConflictsTable {

    /** The table, as the capture and the publication name it. */
    public static final String NAME = "syncline.conflicts";

    /** How many conflicts of one type a rule resolved. */
    public record Count(String type, String rule, long count) {
    }

    /** One logged conflict without the row images. */
    public record Logged(long id, Instant detectedAt, String table, String pk, String type, String rule, String winner,
            String resolvedAtSite, String localOrigin, String localVv, String incomingOrigin, String incomingVv,
            String resultVv, boolean resultDeleted, String status) {
    }

    /** A conflict with both versions' row images (JSON, null for a deletion), locked for settling. */
    public record Held(String table, String pk, String status, String localRow, boolean localDeleted,
            String incomingRow, boolean incomingDeleted) {
    }

    /**
     * The three row images of one logged conflict (JSON objects of column values, null for a
     * deletion or when not kept) with each version's origin and clock, and when it was settled.
     */
    public record Images(String localRow, String incomingRow, String resultRow, long localHlc, long incomingHlc,
            boolean localDeleted, boolean incomingDeleted, String settledBy) {
    }

    static final String POSTGRES_INSERT = """
            INSERT INTO syncline.conflicts (table_name, pk, conflict_type, rule, winner, resolved_at_site,
                local_origin, local_seq, local_hlc, local_vv, local_deleted, local_row,
                incoming_origin, incoming_seq, incoming_hlc, incoming_vv, incoming_deleted, incoming_row,
                result_vv, result_deleted, result_row, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?,
                CAST(? AS jsonb), ?)""";

    static final String MARIADB_INSERT = """
            INSERT INTO syncline.conflicts (table_name, pk, conflict_type, rule, winner, resolved_at_site,
                local_origin, local_seq, local_hlc, local_vv, local_deleted, local_row,
                incoming_origin, incoming_seq, incoming_hlc, incoming_vv, incoming_deleted, incoming_row,
                result_vv, result_deleted, result_row, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String COUNTS =
            "SELECT conflict_type, rule, count(*) FROM syncline.conflicts GROUP BY conflict_type, rule";

    private static final String COUNTS_OF_TABLE =
            "SELECT conflict_type, rule, count(*) FROM syncline.conflicts WHERE table_name = ? GROUP BY 1, 2";

    private static final String LOGGED = """
            SELECT id, detected_at, table_name, pk, conflict_type, rule, winner, resolved_at_site,
                   local_origin, local_vv, incoming_origin, incoming_vv, result_vv, result_deleted, status
              FROM syncline.conflicts""";

    private static final String NEWEST = LOGGED + " ORDER BY id DESC LIMIT ?";

    private static final String NEWEST_OF_TABLE = LOGGED + " WHERE table_name = ? ORDER BY id DESC LIMIT ?";

    private static final String OLDEST_OF_TABLE = LOGGED + " WHERE table_name = ? ORDER BY id LIMIT ?";

    private static final String HOLD = "SELECT table_name, pk, status, local_row::text, local_deleted, "
            + "incoming_row::text, incoming_deleted FROM syncline.conflicts WHERE id = ? FOR UPDATE";

    private static final String IMAGES = "SELECT local_row, incoming_row, result_row, local_hlc, incoming_hlc, "
            + "local_deleted, incoming_deleted, settled_by FROM syncline.conflicts WHERE id = ?";

    private static final String ONE = LOGGED + " WHERE id = ?";

    private static final String SETTLE = "UPDATE syncline.conflicts SET status = 'settled', "
            + "settled_at = clock_timestamp(), settled_by = ? WHERE table_name = ? AND pk = ? AND status = 'parked'";

    private ConflictsTable() {
    }

    /** How many conflicts the site logged, by type and rule. */
    public static List<Count> counts(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(COUNTS)) {
            return counts(ps);
        }
    }

    /** How many conflicts of one table the site logged, by type and rule. */
    public static List<Count> counts(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(COUNTS_OF_TABLE)) {
            ps.setString(1, table);
            return counts(ps);
        }
    }

    /** The site's newest conflicts, newest first; {@code table} null for every table. */
    public static List<Logged> newest(Connection connection, String table, int limit) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(table == null ? NEWEST : NEWEST_OF_TABLE)) {
            int i = 1;
            if (table != null) {
                ps.setString(i++, table);
            }
            ps.setInt(i, limit);
            return logged(ps);
        }
    }

    /** A table's first conflicts at the site, oldest first. */
    public static List<Logged> oldest(Connection connection, String table, int limit) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(OLDEST_OF_TABLE)) {
            ps.setString(1, table);
            ps.setInt(2, limit);
            return logged(ps);
        }
    }

    /** One logged conflict without its row images; empty when the site has no such conflict. */
    public static Optional<Logged> one(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(ONE)) {
            ps.setLong(1, id);
            List<Logged> rows = logged(ps);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }

    /** The row images of conflict {@code id}; empty when the site has no such conflict. */
    public static Optional<Images> images(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(IMAGES)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Images(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getLong(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(8)));
            }
        }
    }

    /**
     * Locks conflict {@code id} in the open transaction and returns it with its row images
     * (PostgreSQL); empty when the site has no such conflict.
     */
    public static Optional<Held> hold(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(HOLD)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Held(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getBoolean(5), rs.getString(6), rs.getBoolean(7)));
            }
        }
    }

    /**
     * Marks the parked conflicts of one row settled, by whom and how (PostgreSQL).
     *
     * @return how many were parked
     */
    public static int settle(Connection connection, String table, String pk, String settledBy) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SETTLE)) {
            ps.setString(1, settledBy);
            ps.setString(2, table);
            ps.setString(3, pk);
            return ps.executeUpdate();
        }
    }

    /** Entries one purge statement deletes at most, so no statement holds many locks for long. */
    static final int PURGE_CHUNK = 5_000;

    /**
     * Deletes resolved entries older than {@code maxAge} (whole seconds, by the database's clock) and those beyond the
     * newest {@code maxRows} resolved ones, in chunks, each committed; parked entries are never deleted.
     * Returns how many were deleted. The capture ships inserts only, so the conflicts topic keeps them.
     *
     * @param maxAge null keeps entries of any age
     * @param maxRows negative keeps any number
     */
    public static long purge(Connection connection, Engine engine, Duration maxAge, long maxRows)
            throws SQLException {
        String olderThan = engine == Engine.POSTGRES ? "detected_at < clock_timestamp() - make_interval(secs => ?)"
                : "detected_at < NOW(6) - INTERVAL ? SECOND";
        long deleted = 0;
        if (maxAge != null) {
            deleted += purgeWhere(connection, olderThan, maxAge.toSeconds());
        }
        if (maxRows >= 0) {
            long newestKept = -1;
            try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM syncline.conflicts WHERE "
                    + "status <> 'parked' ORDER BY id DESC LIMIT 1 OFFSET ?")) {
                ps.setLong(1, maxRows);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        newestKept = rs.getLong(1);
                    }
                }
            }
            connection.commit();
            if (newestKept >= 0) {
                deleted += purgeWhere(connection, "id <= ?", newestKept);
            }
        }
        return deleted;
    }

    private static long purgeWhere(Connection connection, String condition, Object value) throws SQLException {
        // The derived table lets MariaDB delete from the table its subquery reads, with a LIMIT.
        String sql = "DELETE FROM syncline.conflicts WHERE id IN (SELECT id FROM (SELECT id FROM syncline.conflicts "
                + "WHERE status <> 'parked' AND " + condition + " ORDER BY id LIMIT " + PURGE_CHUNK + ") chunk)";
        long deleted = 0;
        while (true) {
            int n;
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setObject(1, value);
                n = ps.executeUpdate();
            }
            connection.commit();
            deleted += n;
            if (n < PURGE_CHUNK) {
                return deleted;
            }
        }
    }

    private static List<Count> counts(PreparedStatement ps) throws SQLException {
        List<Count> counts = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.add(new Count(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return counts;
    }

    private static List<Logged> logged(PreparedStatement ps) throws SQLException {
        List<Logged> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                OffsetDateTime detected = rs.getObject(2, OffsetDateTime.class);
                rows.add(new Logged(rs.getLong(1), detected == null ? null : detected.toInstant(), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                        rs.getBoolean(14), rs.getString(15)));
            }
        }
        return rows;
    }
}
