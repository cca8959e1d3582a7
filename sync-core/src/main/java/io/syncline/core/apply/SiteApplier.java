package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies batches of change events at a site, one transaction per batch: fence check
 * and offsets, lock the rows' meta entries, compare version vectors, resolve conflicts, write
 * rows, meta and the conflict log. A replayed batch is a no-op, because every version it carries
 * is dominated by what the site already holds.
 *
 * <p>A batch writes its tables in the order of their foreign keys (parents before children, and
 * the reverse for deletes). When the database refuses a change (a constraint, a value that does not
 * fit), the batch is applied again change by change, in batch order, each under a savepoint. A change
 * refused for a foreign key is a {@link ConflictType#FOREIGN_KEY} conflict, settled by the rule that
 * the parent's deletion wins (see {@code ParentDeleteWins}) and logged; one refused for a unique key that
 * a row of another primary key holds is a {@link ConflictType#UNIQUE_KEY} conflict, settled by the rule
 * that the lower primary key keeps the value (see {@code LowestKeyWins}) and logged; the other refused ones are
 * handed to the {@link RejectionHandler} before the commit, and the rest is applied unless the
 * handler asks for the batch to be rolled back. The outcome carries the conflicts the batch logged, so nobody needs
 * to read them back from the conflict log.
 *
 * <p>In a lock contention with the site's applications the apply yields: it locks the data rows
 * first, then their meta entries (the order of a local write and its capture trigger), waits for a
 * lock briefly or not at all ({@link Dialect#yieldToApplications}), and a batch that loses a
 * contention is rolled back and run again after a short pause ({@link #lockRetries()} counts them).
 *
 * <p>The protocol is the same for every engine; the engine's SQL comes from its {@link Dialect}.
 *
 * <pre>{@code
 * var applier = new SiteApplier(Dialect.postgres(), SiteId.of("west"), registry, false);
 * BatchOutcome outcome = applier.apply(connection, events,
 *     List.of(new OffsetUpdate("sink-west", "orders.changes", 0, 1042, 0)), rejected -> {
 *         deadLetters.send(rejected);
 *         return RejectionHandler.Decision.COMMIT_REST;
 *     });
 * }</pre>
 */
public final class SiteApplier {

    private final Dialect dialect;
    private final ApplyOrigin origin;
    private final SiteId self;
    private final ConflictArbiter arbiter;
    private final boolean ledger;
    private final Map<TableRef, RowStatements> statements = new ConcurrentHashMap<>();
    private final Map<TableRef, List<ForeignKey>> foreignKeys = new ConcurrentHashMap<>();
    private final LockRetry retry = LockRetry.APPLY;
    private final AtomicLong lockRetries = new AtomicLong();

    /**
     * @param dialect the site's engine
     * @param self this site (events from it are never applied here)
     * @param arbiter decides concurrent versions
     * @param ledger whether to record every applied dot in {@code syncline.apply_ledger}
     */
    public SiteApplier(Dialect dialect, SiteId self, ConflictArbiter arbiter, boolean ledger) {
        this(dialect, self, arbiter, ledger, ApplyOrigin.none());
    }

    /**
     * @param origin the replication origin the applied rows are written under, so a PostgreSQL 16+
     *     site's capture is not sent them ({@link ApplyOrigin})
     */
    public SiteApplier(Dialect dialect, SiteId self, ConflictArbiter arbiter, boolean ledger, ApplyOrigin origin) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.self = Objects.requireNonNull(self, "self");
        this.arbiter = Objects.requireNonNull(arbiter, "arbiter");
        this.ledger = ledger;
    }

    /** The next offsets stored for a consumer and topic, by partition. */
    public Map<Integer, Long> storedOffsets(Connection connection, String consumer, String topic)
            throws SQLException {
        return OffsetsTable.stored(connection, consumer, topic);
    }

    /**
     * Records at the site that the writer with {@code epoch} now holds the partition, so that any
     * older writer's batch is refused from now on, even before this writer stores an offset.
     *
     * @throws FencedException when a writer with a newer epoch already holds it
     */
    public void claim(Connection connection, String consumer, String topic, int partition, long epoch)
            throws SQLException {
        connection.setAutoCommit(false);
        try {
            if (!dialect.claimEpoch(connection, consumer, topic, partition, epoch)) {
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
        BatchOutcome outcome = apply(connection, events, offsets, rejected -> {
            throw new IllegalStateException("the site refused " + rejected.size() + " change(s), first: "
                    + rejected.get(0).event() + ": " + rejected.get(0).reason());
        });
        // The handler above never asks for a rollback: it throws.
        return ((BatchOutcome.Committed) outcome).result();
    }

    /**
     * Applies the events and stores the offsets in one transaction, committed before returning
     * unless {@code onRejected} asks for a rollback. On any failure the transaction is rolled back
     * and nothing of the batch is written.
     *
     * @param onRejected takes the changes the database refused, before the commit, and decides
     *     whether the rest commits
     * @return what was committed (with the conflicts logged), or that the handler rolled it back
     * @throws FencedException when a writer with a newer epoch has stored offsets for a partition
     */
    public BatchOutcome apply(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets,
            RejectionHandler onRejected) throws SQLException {
        boolean[] handed = new boolean[1];
        RejectionHandler once = rejected -> {
            handed[0] = true;
            return onRejected.handle(rejected);
        };
        // Once refused changes went to the handler (e.g. to a dead-letter topic), a retry would hand them again.
        return retry.run(e -> !handed[0] && dialect.isLockContention(e), lockRetries, () -> {
            try {
                return applyOnce(connection, events, offsets, false, once);
            } catch (SQLException e) {
                if (!dialect.isRefusal(e) || events.isEmpty()) {
                    throw e;
                }
                return applyOnce(connection, events, offsets, true, once);
            }
        });
    }

    /**
     * How many times a batch transaction was rolled back for lock contention with the site's
     * applications and run again since this applier was made (docs/design.md, "Locks: the apply yields").
     */
    public long lockRetries() {
        return lockRetries.get();
    }

    /** The database's reason for a refusal without the row's values. */
    public String reasonOf(SQLException e) {
        return dialect.reasonOf(e);
    }

    private BatchOutcome applyOnce(Connection connection, List<ChangeEvent> events, List<OffsetUpdate> offsets,
            boolean changeByChange, RejectionHandler onRejected) throws SQLException {
        connection.setAutoCommit(false);
        try {
            dialect.yieldToApplications(connection);
            dialect.markApplying(connection);
            storeOffsets(connection, offsets);
            origin.enter(connection);
            ApplyResult result = ApplyResult.EMPTY;
            List<LoggedConflict> logged = new ArrayList<>();
            if (!changeByChange) {
                ApplyBatch batch = new ApplyBatch(this, connection);
                result = batch.apply(events);
                logged.addAll(batch.logged());
            } else {
                List<Rejection> rejected = new ArrayList<>();
                for (ChangeEvent event : events) {
                    Savepoint savepoint = connection.setSavepoint();
                    try {
                        ApplyBatch single = new ApplyBatch(this, connection);
                        result = result.plus(single.apply(List.of(event)));
                        connection.releaseSavepoint(savepoint);
                        logged.addAll(single.logged());
                    } catch (SQLException e) {
                        if (!dialect.isRefusal(e)) {
                            throw e;
                        }
                        connection.rollback(savepoint);
                        Optional<ParentDeleteWins.Settled> settled = dialect.isForeignKeyViolation(e)
                                ? settle(connection, event, new ParentDeleteWins(this, connection)::settle)
                                : dialect.isUniqueViolation(e)
                                        ? settle(connection, event, new UniqueKeyConflicts(this, connection)::settle)
                                        : Optional.empty();
                        if (settled.isPresent()) {
                            result = result.plus(settled.get().result());
                            logged.addAll(settled.get().logged());
                        } else {
                            rejected.add(new Rejection(event, dialect.reasonOf(e)));
                        }
                    }
                }
                result = result.plus(new ApplyResult(0, 0, 0, rejected));
                if (!rejected.isEmpty() && onRejected.handle(rejected) == RejectionHandler.Decision.ROLL_BACK) {
                    connection.rollback();
                    origin.leaveAfterRollback(connection);
                    return new BatchOutcome.RolledBack(rejected);
                }
            }
            // A commit record with an origin would hide the whole transaction, offsets and conflicts too.
            origin.leave(connection);
            connection.commit();
            return new BatchOutcome.Committed(result, logged);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            origin.leaveAfterRollback(connection);
            throw e;
        }
    }

    /** The origin the applied rows are written under. */
    ApplyOrigin origin() {
        return origin;
    }

    /** What settles one refused change in the open transaction; empty when its rule does not apply. */
    private interface Settlement {
        Optional<ParentDeleteWins.Settled> settle(ChangeEvent event) throws SQLException;
    }

    /**
     * Applies a change the database refused by a settling rule ({@link ParentDeleteWins} for a foreign
     * key, {@link UniqueKeyConflicts} for a unique key other than the primary key), under a savepoint of
     * its own; empty (nothing written) when the rule does not explain the refusal or the database refuses
     * what the rule writes.
     */
    private Optional<ParentDeleteWins.Settled> settle(Connection connection, ChangeEvent event, Settlement rule)
            throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            Optional<ParentDeleteWins.Settled> settled = rule.settle(event);
            if (settled.isPresent()) {
                connection.releaseSavepoint(savepoint);
            } else {
                connection.rollback(savepoint);
            }
            return settled;
        } catch (SQLException e) {
            if (!dialect.isRefusal(e)) {
                throw e;
            }
            connection.rollback(savepoint);
            return Optional.empty();
        }
    }

    private void storeOffsets(Connection connection, List<OffsetUpdate> offsets) throws SQLException {
        for (OffsetUpdate o : offsets) {
            if (!dialect.storeOffset(connection, o)) {
                throw new FencedException("partition " + o.partition() + " of " + o.topic()
                        + " is held by a newer writer than epoch " + o.epoch() + " at this site; "
                        + "this batch was rolled back and the task stops applying the partition");
            }
        }
    }

    /** The site's engine. */
    public Dialect dialect() {
        return dialect;
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

    RowStatements statementsFor(Connection connection, TableRef table) throws SQLException {
        RowStatements rows = statements.get(table);
        if (rows == null) {
            var shape = dialect.describe(connection, table).orElseThrow(() -> new SiteSetupException(
                    "table " + table + " does not exist at this site; create it, or remove it from the sync group"));
            rows = dialect.rowStatements(shape);
            statements.put(table, rows);
        }
        return rows;
    }

    /** Every foreign key the table takes part in at this site, read from its catalog once and kept. */
    List<ForeignKey> foreignKeysOf(Connection connection, TableRef table) throws SQLException {
        List<ForeignKey> keys = foreignKeys.get(table);
        if (keys == null) {
            keys = List.copyOf(dialect.foreignKeys(connection, table));
            foreignKeys.put(table, keys);
        }
        return keys;
    }

    /** The order a batch writes its tables in, by their foreign keys; {@code tables} in batch order. */
    ForeignKeyOrder writeOrder(Connection connection, Collection<TableRef> tables) throws SQLException {
        Set<ForeignKey> keys = new LinkedHashSet<>();
        for (TableRef table : tables) {
            keys.addAll(foreignKeysOf(connection, table));
        }
        return new ForeignKeyOrder(List.copyOf(tables), keys);
    }

    /** Forgets cached table shapes and foreign keys, e.g. after a schema change. */
    public void forgetTableShapes() {
        statements.clear();
        foreignKeys.clear();
    }
}
