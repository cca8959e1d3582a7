package io.syncline.core.apply;

import io.syncline.core.RowId;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every statement on {@code syncline.row_meta}, the meta entry ({@link MetaEntry}) of each synced row.
 * The apply's statements differ per engine and are answered by each engine's {@link Dialect}; the
 * public methods serve what reads or writes entries beside the apply (the REST extension, join,
 * repair, tombstone collection) and are PostgreSQL statements.
 *
 * <pre>{@code
 * Optional<RowMetaTable.Stored> meta = RowMetaTable.read(connection, new RowId("public.orders", "42"));
 * }</pre>
 */
public final class RowMetaTable {

    /** The table, as the capture and the publication name it. */
    public static final String NAME = "syncline.row_meta";

    /** An entry as the table holds it: the entry, and whether a local write made it (what the capture ships). */
    public record Stored(MetaEntry entry, boolean localWrite) {
    }

    /** What {@link #copy} copied. */
    public record Copied(long entries, long tombstones) {
    }

    /** The columns {@link MetaEntry#read} reads, in its order, the JSON ones as text (PostgreSQL). */
    private static final String POSTGRES_ENTRY = "table_name, pk, vv, hlc, origin, seq, deleted, col_stamps::text, "
            + "counters::text";

    /** One entry as an apply writes it (not a local write); the parameters are {@link MetaEntry#bind}'s. */
    private static final String POSTGRES_INSERT = """
            INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write, col_stamps,
                counters)
            VALUES (?, ?, ?, ?, ?, ?, ?, false, CAST(? AS jsonb), CAST(? AS jsonb))""";

    static final String POSTGRES_LOCK_PLACEHOLDERS = """
            INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted)
            SELECT t, k, '', 0, '', 0, true FROM unnest(?::text[], ?::text[]) AS u(t, k) ORDER BY t, k
            ON CONFLICT (table_name, pk) DO NOTHING""";

    static final String POSTGRES_INSERT_FIRST = """
            INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write, col_stamps,
                counters)
            SELECT t, k, vv, hlc, origin, seq, deleted, false, CAST(stamps AS jsonb), CAST(counts AS jsonb)
              FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::boolean[],
                          ?::text[], ?::text[]) AS u(t, k, vv, hlc, origin, seq, deleted, stamps, counts)
             ORDER BY t, k
            ON CONFLICT (table_name, pk) DO NOTHING
            RETURNING table_name, pk""";

    static final String POSTGRES_LOCK = "SELECT " + POSTGRES_ENTRY + " FROM syncline.row_meta"
            + " WHERE (table_name, pk) IN (SELECT t, k FROM unnest(?::text[], ?::text[]) AS u(t, k))"
            + " ORDER BY table_name, pk FOR UPDATE";

    static final String POSTGRES_WRITE = POSTGRES_INSERT + " " + """
            ON CONFLICT (table_name, pk) DO UPDATE
               SET vv = EXCLUDED.vv, hlc = EXCLUDED.hlc, origin = EXCLUDED.origin,
                   seq = EXCLUDED.seq, deleted = EXCLUDED.deleted, local_write = false,
                   col_stamps = EXCLUDED.col_stamps, counters = EXCLUDED.counters""";

    static final String MARIADB_WRITE = """
            INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write, col_stamps,
                counters)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
            ON DUPLICATE KEY UPDATE vv = VALUES(vv), hlc = VALUES(hlc), origin = VALUES(origin), seq = VALUES(seq),
                deleted = VALUES(deleted), local_write = 0, col_stamps = VALUES(col_stamps),
                counters = VALUES(counters)""";

    private static final String READ = "SELECT " + POSTGRES_ENTRY
            + ", local_write FROM syncline.row_meta WHERE table_name = ? AND pk = ?";

    private static final String WRITTEN_OF_TABLES = "SELECT " + POSTGRES_ENTRY
            + " FROM syncline.row_meta WHERE table_name = ANY (?) AND origin <> ''";

    private static final String WRITE_KEEPING_COLUMN_STATE = POSTGRES_INSERT + " " + """
            ON CONFLICT (table_name, pk) DO UPDATE
               SET vv = EXCLUDED.vv, hlc = EXCLUDED.hlc, origin = EXCLUDED.origin, seq = EXCLUDED.seq,
                   deleted = EXCLUDED.deleted, local_write = false""";

    private static final String TOMBSTONES = """
            SELECT table_name, pk, vv FROM syncline.row_meta
             WHERE deleted AND origin <> '' AND table_name <> ?""";

    private static final String DELETE_TOMBSTONE =
            "DELETE FROM syncline.row_meta WHERE table_name = ? AND pk = ? AND deleted AND vv = ?";

    private static final String INSERT_MARKER = """
            INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write)
            VALUES (?, ?, '', 0, '', 0, true, true) ON CONFLICT (table_name, pk) DO NOTHING""";

    private static final String DELETE = "DELETE FROM syncline.row_meta WHERE table_name = ? AND pk = ?";

    private static final int DELETE_BATCH = 1000;

    private RowMetaTable() {
    }

    /** MariaDB: a placeholder entry for each of {@code ids} rows that has none yet; two parameters per row. */
    static String mariaDbLockPlaceholders(int ids) {
        return "INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted) VALUES "
                + String.join(", ", Collections.nCopies(ids, "(?, ?, '', 0, '', 0, 1)"))
                + " ON DUPLICATE KEY UPDATE pk = pk";
    }

    /** MariaDB: locks and reads the entries of {@code ids} rows in (table, key) order; two parameters per row. */
    static String mariaDbLock(int ids) {
        return "SELECT table_name, pk, vv, hlc, origin, seq, deleted, col_stamps, counters FROM syncline.row_meta "
                + "WHERE (table_name, pk) IN (" + String.join(", ", Collections.nCopies(ids, "(?, ?)"))
                + ") ORDER BY table_name, pk FOR UPDATE";
    }

    /** The entry of one row, placeholders included; empty when the site has none. */
    public static Optional<Stored> read(Connection connection, RowId id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(READ)) {
            ps.setString(1, id.table());
            ps.setString(2, id.key());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(MetaEntry.read(rs), rs.getBoolean(10))) : Optional.empty();
            }
        }
    }

    /**
     * Copies the entries some site wrote (no placeholders) of {@code tables} from one site to another,
     * where they must not exist yet, {@code batch} at a time; {@code check} sees each entry before it
     * is written and may refuse it by throwing.
     */
    public static Copied copy(Connection from, Connection to, List<TableRef> tables, int batch,
            Consumer<MetaEntry> check) throws SQLException {
        long entries = 0;
        long tombstones = 0;
        String[] names = tables.stream().map(TableRef::toString).toArray(String[]::new);
        try (PreparedStatement read = from.prepareStatement(WRITTEN_OF_TABLES);
                PreparedStatement write = to.prepareStatement(POSTGRES_INSERT)) {
            read.setArray(1, from.createArrayOf("text", names));
            read.setFetchSize(batch);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    MetaEntry entry = MetaEntry.read(rs);
                    check.accept(entry);
                    entry.bind(write);
                    write.addBatch();
                    entries++;
                    if (entry.version().deleted()) {
                        tombstones++;
                    }
                    if (entries % batch == 0) {
                        write.executeBatch();
                    }
                }
            }
            write.executeBatch();
        }
        return new Copied(entries, tombstones);
    }

    /**
     * Upserts an entry's vector, clock, origin, sequence and tombstone flag, and leaves the per-column
     * clocks and counters the site holds for the row as they are (a new entry gets the given ones):
     * a repair copies a row image, not the history of its columns.
     */
    public static void writeKeepingColumnState(Connection connection, MetaEntry entry) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(WRITE_KEEPING_COLUMN_STATE)) {
            entry.bind(ps);
            ps.executeUpdate();
        }
    }

    /**
     * The tombstones (entries of deleted rows some site wrote) of every table but {@code exceptTable},
     * each with its vector exactly as stored, in the order the site returns them.
     */
    public static Map<RowId, String> tombstones(Connection connection, String exceptTable) throws SQLException {
        Map<RowId, String> found = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(TOMBSTONES)) {
            ps.setString(1, exceptTable);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(new RowId(rs.getString(1), rs.getString(2)), rs.getString(3));
                }
            }
        }
        return found;
    }

    /**
     * Deletes each row's entry if it is still a tombstone whose vector is stored exactly as given (a
     * row written again meanwhile keeps its entry).
     *
     * @return how many entries were deleted
     */
    public static int deleteTombstones(Connection connection, Map<RowId, String> vectors) throws SQLException {
        int deleted = 0;
        try (PreparedStatement ps = connection.prepareStatement(DELETE_TOMBSTONE)) {
            int batched = 0;
            for (Map.Entry<RowId, String> tombstone : vectors.entrySet()) {
                ps.setString(1, tombstone.getKey().table());
                ps.setString(2, tombstone.getKey().key());
                ps.setString(3, tombstone.getValue());
                ps.addBatch();
                if (++batched % DELETE_BATCH == 0) {
                    deleted += sum(ps.executeBatch());
                }
            }
            deleted += sum(ps.executeBatch());
        }
        return deleted;
    }

    /**
     * Inserts and deletes a placeholder entry marked as a local write: the capture ships the change
     * and drops it (a meta change without a row), so it only moves the capture past this moment.
     */
    public static void writeMarker(Connection connection, RowId id) throws SQLException {
        try (PreparedStatement ins = connection.prepareStatement(INSERT_MARKER);
                PreparedStatement del = connection.prepareStatement(DELETE)) {
            ins.setString(1, id.table());
            ins.setString(2, id.key());
            ins.executeUpdate();
            del.setString(1, id.table());
            del.setString(2, id.key());
            del.executeUpdate();
        }
    }

    private static int sum(int[] counts) {
        int total = 0;
        for (int n : counts) {
            total += Math.max(0, n);
        }
        return total;
    }
}
