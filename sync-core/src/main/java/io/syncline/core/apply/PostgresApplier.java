package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.site.PostgresCatalog;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies batches of change events at a PostgreSQL site, one transaction per batch: fence check
 * and offsets, lock the rows' meta entries, compare version vectors, write what wins, write meta.
 * A replayed batch is a no-op, because every version it carries is dominated by what the site
 * already holds.
 *
 * <pre>{@code
 * var applier = new PostgresApplier(SiteId.of("west"), lastWriterWins, false);
 * ApplyResult r = applier.apply(connection, events,
 *     List.of(new OffsetUpdate("sink-west", "orders.changes", 0, 1042, 0)));
 * }</pre>
 */
public final class PostgresApplier {

    private static final String LOCK_PLACEHOLDERS = """
            INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted)
            SELECT t, k, '', 0, '', 0, true FROM unnest(?::text[], ?::text[]) AS u(t, k) ORDER BY t, k
            ON CONFLICT (table_name, pk) DO NOTHING""";

    private static final String LOCK_META = """
            SELECT table_name, pk, vv, hlc, origin, seq, deleted FROM syncline.row_meta
             WHERE (table_name, pk) IN (SELECT t, k FROM unnest(?::text[], ?::text[]) AS u(t, k))
             ORDER BY table_name, pk FOR UPDATE""";

    private static final String WRITE_META = """
            INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (table_name, pk) DO UPDATE
               SET vv = EXCLUDED.vv, hlc = EXCLUDED.hlc, origin = EXCLUDED.origin,
                   seq = EXCLUDED.seq, deleted = EXCLUDED.deleted""";

    private static final String WRITE_LEDGER =
            "INSERT INTO syncline.apply_ledger (dot_origin, dot_seq, table_name, pk) VALUES (?, ?, ?, ?)";

    private static final String STORE_OFFSET = """
            INSERT INTO syncline.offsets (consumer, topic, kafka_partition, next_offset, epoch)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE
               SET next_offset = EXCLUDED.next_offset, epoch = EXCLUDED.epoch, updated_at = clock_timestamp()
             WHERE syncline.offsets.epoch <= EXCLUDED.epoch""";

    private final SiteId self;
    private final ConflictArbiter arbiter;
    private final boolean ledger;
    private final Map<TableRef, PostgresRowStatements> statements = new ConcurrentHashMap<>();

    /**
     * @param self this site (events from it are never applied here)
     * @param arbiter decides concurrent versions
     * @param ledger whether to record every applied dot in {@code syncline.apply_ledger}
     */
    public PostgresApplier(SiteId self, ConflictArbiter arbiter, boolean ledger) {
        this.self = Objects.requireNonNull(self, "self");
        this.arbiter = Objects.requireNonNull(arbiter, "arbiter");
        this.ledger = ledger;
    }

    /** The next offsets stored for a consumer and topic, by partition. */
    public static Map<Integer, Long> storedOffsets(Connection connection, String consumer, String topic)
            throws SQLException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT kafka_partition, next_offset FROM syncline.offsets WHERE consumer = ? AND topic = ?")) {
            ps.setString(1, consumer);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offsets.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return offsets;
    }

    /**
     * Applies the events and stores the offsets in one transaction, committed before returning.
     * On any failure the transaction is rolled back and nothing of the batch is written.
     *
     * @throws FencedException when a writer with a newer epoch has stored offsets for a partition
     */
    public ApplyResult apply(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets)
            throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("SET LOCAL syncline.applying = 'on'");
            }
            storeOffsets(connection, offsets);
            ApplyResult result = events.isEmpty() ? ApplyResult.EMPTY : applyEvents(connection, events);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    private static void storeOffsets(Connection connection, List<OffsetUpdate> offsets) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(STORE_OFFSET)) {
            for (OffsetUpdate o : offsets) {
                ps.setString(1, o.consumer());
                ps.setString(2, o.topic());
                ps.setInt(3, o.partition());
                ps.setLong(4, o.nextOffset());
                ps.setLong(5, o.epoch());
                if (ps.executeUpdate() == 0) {
                    throw new FencedException("partition " + o.partition() + " of " + o.topic()
                            + " is held by a newer writer than epoch " + o.epoch() + " at this site; "
                            + "this batch was rolled back and the task stops applying the partition");
                }
            }
        }
    }

    private record RowId(String table, String key) {
    }

    private ApplyResult applyEvents(Connection connection, List<ChangeEvent> events) throws SQLException {
        Map<RowId, RowVersion> current = lockMeta(connection, events);
        Map<RowId, ChangeEvent> finalData = new LinkedHashMap<>();
        Map<RowId, RowVersion> newMeta = new LinkedHashMap<>();
        List<ChangeEvent> appliedEvents = new ArrayList<>();
        int applied = 0;
        int skipped = 0;
        int conflicts = 0;
        for (ChangeEvent e : events) {
            if (e.origin().equals(self)) {
                skipped++;
                continue;
            }
            RowId id = new RowId(e.table(), e.key());
            RowVersion local = current.getOrDefault(id, RowVersion.NONE);
            if (e.vv().dominatedBy(local.vv())) {
                skipped++;
                continue;
            }
            RowVersion next;
            boolean incomingWins;
            if (local.vv().dominatedBy(e.vv())) {
                incomingWins = true;
                next = versionOf(e, e.vv());
            } else {
                conflicts++;
                VersionVector joined = local.vv().join(e.vv());
                incomingWins = arbiter.incomingWins(e, local);
                next = incomingWins ? versionOf(e, joined)
                        : new RowVersion(joined, local.hlc(), local.origin(), local.sequence(), local.deleted());
            }
            current.put(id, next);
            newMeta.put(id, next);
            if (incomingWins) {
                applied++;
                finalData.remove(id);
                finalData.put(id, e);
                appliedEvents.add(e);
            }
        }
        writeData(connection, finalData.values());
        writeMeta(connection, newMeta);
        if (ledger && !appliedEvents.isEmpty()) {
            writeLedger(connection, appliedEvents);
        }
        return new ApplyResult(applied, skipped, conflicts);
    }

    private static RowVersion versionOf(ChangeEvent e, VersionVector vv) {
        return new RowVersion(vv, e.hlc(), e.origin(), e.dot().sequence(), e.op() == ChangeEvent.Op.DELETE);
    }

    private static Map<RowId, RowVersion> lockMeta(Connection connection, List<ChangeEvent> events)
            throws SQLException {
        Map<RowId, Boolean> ids = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            ids.put(new RowId(e.table(), e.key()), Boolean.TRUE);
        }
        String[] tables = new String[ids.size()];
        String[] keys = new String[ids.size()];
        int i = 0;
        for (RowId id : ids.keySet()) {
            tables[i] = id.table();
            keys[i] = id.key();
            i++;
        }
        Array tableArray = connection.createArrayOf("text", tables);
        Array keyArray = connection.createArrayOf("text", keys);
        // A placeholder entry first, so that a row no site has written yet is locked too:
        // a concurrent local insert of the same key waits for this batch.
        try (PreparedStatement ps = connection.prepareStatement(LOCK_PLACEHOLDERS)) {
            ps.setArray(1, tableArray);
            ps.setArray(2, keyArray);
            ps.executeUpdate();
        }
        Map<RowId, RowVersion> current = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(LOCK_META)) {
            ps.setArray(1, tableArray);
            ps.setArray(2, keyArray);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String origin = rs.getString(5);
                    RowVersion v = origin.isEmpty() ? RowVersion.NONE
                            : new RowVersion(VersionVector.parse(rs.getString(3)), rs.getLong(4), SiteId.of(origin),
                                    rs.getLong(6), rs.getBoolean(7));
                    current.put(new RowId(rs.getString(1), rs.getString(2)), v);
                }
            }
        }
        return current;
    }

    private void writeData(Connection connection, Iterable<ChangeEvent> events) throws SQLException {
        Map<String, List<ChangeEvent>> byStatement = new LinkedHashMap<>();
        Map<String, PostgresRowStatements> owners = new HashMap<>();
        // Deletes first: a row deleted in this batch may free a unique value that an upsert reuses.
        List<ChangeEvent> ordered = new ArrayList<>();
        for (ChangeEvent e : events) {
            if (e.op() == ChangeEvent.Op.DELETE) {
                ordered.add(e);
            }
        }
        for (ChangeEvent e : events) {
            if (e.op() != ChangeEvent.Op.DELETE) {
                ordered.add(e);
            }
        }
        for (ChangeEvent e : ordered) {
            PostgresRowStatements rows = statementsFor(connection, TableRef.parse(e.table()));
            String sql = rows.sqlFor(e);
            byStatement.computeIfAbsent(sql, k -> new ArrayList<>()).add(e);
            owners.put(sql, rows);
        }
        for (Map.Entry<String, List<ChangeEvent>> entry : byStatement.entrySet()) {
            PostgresRowStatements rows = owners.get(entry.getKey());
            try (PreparedStatement ps = connection.prepareStatement(entry.getKey())) {
                for (ChangeEvent e : entry.getValue()) {
                    rows.bind(ps, e);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private PostgresRowStatements statementsFor(Connection connection, TableRef table) throws SQLException {
        PostgresRowStatements rows = statements.get(table);
        if (rows == null) {
            TableShape shape = PostgresCatalog.describe(connection, table).orElseThrow(() -> new SiteSetupException(
                    "table " + table + " does not exist at this site; create it, or remove it from the sync group"));
            rows = new PostgresRowStatements(shape);
            statements.put(table, rows);
        }
        return rows;
    }

    /** Forgets cached table shapes, e.g. after a schema change. */
    public void forgetTableShapes() {
        statements.clear();
    }

    private static void writeMeta(Connection connection, Map<RowId, RowVersion> meta) throws SQLException {
        if (meta.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(WRITE_META)) {
            for (Map.Entry<RowId, RowVersion> entry : meta.entrySet()) {
                RowVersion v = entry.getValue();
                ps.setString(1, entry.getKey().table());
                ps.setString(2, entry.getKey().key());
                ps.setString(3, v.vv().encode());
                ps.setLong(4, v.hlc());
                ps.setString(5, v.origin() == null ? "" : v.origin().value());
                ps.setLong(6, v.sequence());
                ps.setBoolean(7, v.deleted());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeLedger(Connection connection, List<ChangeEvent> events) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(WRITE_LEDGER)) {
            for (ChangeEvent e : events) {
                ps.setString(1, e.origin().value());
                ps.setLong(2, e.dot().sequence());
                ps.setString(3, e.table());
                ps.setString(4, e.key());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
