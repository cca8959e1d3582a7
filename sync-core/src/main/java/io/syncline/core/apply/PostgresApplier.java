package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A {@link SiteApplier} for a PostgreSQL site, kept for callers written before the engine
 * became a {@link Dialect}; new code uses {@code new SiteApplier(Dialect.postgres(), ...)}.
 *
 * <pre>{@code
 * var applier = new PostgresApplier(SiteId.of("west"), registry, false);
 * ApplyResult r = applier.apply(connection, events,
 *     List.of(new OffsetUpdate("sink-west", "orders.changes", 0, 1042, 0)));
 * }</pre>
 */
public final class PostgresApplier {

    private final SiteApplier applier;

    /**
     * @param self this site (events from it are never applied here)
     * @param arbiter decides concurrent versions
     * @param ledger whether to record every applied dot in {@code syncline.apply_ledger}
     */
    public PostgresApplier(SiteId self, ConflictArbiter arbiter, boolean ledger) {
        this.applier = new SiteApplier(Dialect.postgres(), self, arbiter, ledger);
    }

    /** The next offsets stored for a consumer and topic, by partition. */
    public static Map<Integer, Long> storedOffsets(Connection connection, String consumer, String topic)
            throws SQLException {
        return offsetsOnly()
                .storedOffsets(connection, consumer, topic);
    }

    /** See {@link SiteApplier#claim}. */
    public static void claim(Connection connection, String consumer, String topic, int partition, long epoch)
            throws SQLException {
        offsetsOnly()
                .claim(connection, consumer, topic, partition, epoch);
    }

    private static SiteApplier offsetsOnly() {
        return new SiteApplier(Dialect.postgres(), SiteId.of("offsets"), (table, type, local, incoming) -> {
            throw new IllegalStateException("this applier only reads and claims offsets");
        }, false);
    }

    /** See {@link SiteApplier#apply(Connection, List, List)}. */
    public ApplyResult apply(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets)
            throws SQLException {
        return applier.apply(connection, events, offsets);
    }

    /** See {@link SiteApplier#apply(Connection, List, List, RejectionHandler)}. */
    public BatchOutcome apply(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets,
            RejectionHandler onRejected) throws SQLException {
        return applier.apply(connection, events, offsets, onRejected);
    }

    /** The SQLSTATE and the server's primary message, never the row's values. */
    public static String reasonOf(SQLException e) {
        return Dialect.postgres().reasonOf(e);
    }

    /** Forgets cached table shapes, e.g. after a schema change. */
    public void forgetTableShapes() {
        applier.forgetTableShapes();
    }
}
