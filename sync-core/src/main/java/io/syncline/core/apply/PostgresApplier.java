package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.site.PostgresCatalog;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies batches of change events at a PostgreSQL site, one transaction per batch: fence check
 * and offsets, lock the rows' meta entries, compare version vectors, resolve conflicts, write
 * rows, meta and the conflict log. A replayed batch is a no-op, because every version it carries
 * is dominated by what the site already holds.
 *
 * <p>When the database refuses a change (a constraint, a value that does not fit), the batch is
 * applied again change by change, each under a savepoint; the refused ones are handed to the
 * {@link RejectionHandler} before the commit, and the rest is applied.
 *
 * <pre>{@code
 * var applier = new PostgresApplier(SiteId.of("west"), registry, false);
 * ApplyResult r = applier.apply(connection, events,
 *     List.of(new OffsetUpdate("sink-west", "orders.changes", 0, 1042, 0)), deadLetters::send);
 * }</pre>
 */
public final class PostgresApplier {

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
        try (PreparedStatement ps = connection.prepareStatement("SELECT kafka_partition, next_offset "
                + "FROM syncline.offsets WHERE consumer = ? AND topic = ? AND next_offset IS NOT NULL")) {
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
     * Records at the site that the writer with {@code epoch} now holds the partition, so that any
     * older writer's batch is refused from now on, even before this writer stores an offset.
     *
     * @throws FencedException when a writer with a newer epoch already holds it
     */
    public static void claim(Connection connection, String consumer, String topic, int partition, long epoch)
            throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO syncline.offsets (consumer, topic, kafka_partition, next_offset, epoch)
                VALUES (?, ?, ?, NULL, ?)
                ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE
                   SET epoch = EXCLUDED.epoch, updated_at = clock_timestamp()
                 WHERE syncline.offsets.epoch <= EXCLUDED.epoch""")) {
            ps.setString(1, consumer);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            ps.setLong(4, epoch);
            if (ps.executeUpdate() == 0) {
                connection.rollback();
                throw new FencedException("partition " + partition + " of " + topic + " is held by a newer writer "
                        + "than epoch " + epoch + " at this site");
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            if (!(e instanceof FencedException)) {
                connection.rollback();
            }
            throw e;
        }
    }

    /**
     * Applies the events and stores the offsets in one transaction; a change the database refuses
     * fails the whole batch (nothing is written).
     */
    public ApplyResult apply(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets)
            throws SQLException {
        return apply(connection, events, offsets, rejected -> {
            throw new IllegalStateException("the site refused " + rejected.size() + " change(s), first: "
                    + rejected.get(0).event() + ": " + rejected.get(0).reason());
        });
    }

    /**
     * Applies the events and stores the offsets in one transaction, committed before returning.
     * On any failure the transaction is rolled back and nothing of the batch is written.
     *
     * @param onRejected takes the changes the database refused, before the commit
     * @throws FencedException when a writer with a newer epoch has stored offsets for a partition
     */
    public ApplyResult apply(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets,
            RejectionHandler onRejected) throws SQLException {
        try {
            return applyOnce(connection, events, offsets, false, onRejected);
        } catch (SQLException e) {
            if (!isRefusal(e) || events.isEmpty()) {
                throw e;
            }
            return applyOnce(connection, events, offsets, true, onRejected);
        }
    }

    /**
     * The database's reason without the row's values: the SQLSTATE and the server's primary message
     * (which names the constraint or type), never the statement or the detail line with the values.
     */
    public static String reasonOf(SQLException e) {
        SQLException cause = e;
        for (SQLException next = e; next != null; next = next.getNextException()) {
            cause = next;
            if (next instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
                var server = p.getServerErrorMessage();
                return "SQLSTATE " + server.getSQLState() + ": " + server.getMessage()
                        + (server.getColumn() == null ? "" : " (column " + server.getColumn() + ")");
            }
        }
        return "SQLSTATE " + cause.getSQLState() + ": the database refused the change";
    }

    /** Integrity constraint violations (23) and data exceptions (22): the data, not the database, is at fault. */
    static boolean isRefusal(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("23") || state.startsWith("22"));
    }

    private ApplyResult applyOnce(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets,
            boolean changeByChange, RejectionHandler onRejected) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("SET LOCAL syncline.applying = 'on'");
            }
            storeOffsets(connection, offsets);
            ApplyResult result = ApplyResult.EMPTY;
            if (!changeByChange) {
                result = new PostgresApplyBatch(this, connection).apply(events);
            } else {
                List<Rejection> rejected = new ArrayList<>();
                for (ChangeEvent event : events) {
                    Savepoint savepoint = connection.setSavepoint();
                    try {
                        result = result.plus(new PostgresApplyBatch(this, connection).apply(List.of(event)));
                        connection.releaseSavepoint(savepoint);
                    } catch (SQLException e) {
                        if (!isRefusal(e)) {
                            throw e;
                        }
                        connection.rollback(savepoint);
                        rejected.add(new Rejection(event, reasonOf(e)));
                    }
                }
                result = result.plus(new ApplyResult(0, 0, 0, rejected));
                if (!rejected.isEmpty()) {
                    onRejected.handle(rejected);
                }
            }
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

    SiteId self() {
        return self;
    }

    ConflictArbiter arbiter() {
        return arbiter;
    }

    boolean ledger() {
        return ledger;
    }

    PostgresRowStatements statementsFor(Connection connection, TableRef table) throws SQLException {
        PostgresRowStatements rows = statements.get(table);
        if (rows == null) {
            var shape = PostgresCatalog.describe(connection, table).orElseThrow(() -> new SiteSetupException(
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
}
