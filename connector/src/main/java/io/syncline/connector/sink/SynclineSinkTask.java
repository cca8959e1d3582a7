package io.syncline.connector.sink;

import io.syncline.conflict.ResolverRegistry;
import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.SiteRecord;
import io.syncline.conflict.coordinator.SiteState;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.connector.config.Version;
import io.syncline.connector.metrics.SinkTaskMetrics;
import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.apply.ApplyOrigin;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.Engine;
import io.syncline.core.apply.FencedException;
import io.syncline.core.apply.SiteApplier;
import io.syncline.core.site.SiteSetupException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies change envelopes at one site, whole source transactions at a time, in causal order. Each
 * batch is one database transaction: offsets (with the fence epoch), locked meta rows, vector
 * comparison, rows, meta. On start it seeks to the offsets stored in the database;
 * {@link #preCommit} reports only offsets that were applied.
 *
 * <p>{@code put} reads as its steps: take the records into the inbox ({@link TransactionInbox}:
 * leases, decoding, the dot cache, whole transactions, partitions to rewind), plan a batch of the
 * transactions whose dependencies are met ({@link BatchPlan}), claim new epochs
 * ({@link EpochClaims}), apply it to the tables as they are now ({@link CurrentShapeApply}), account
 * for it (metrics, applied offsets, the dot cache). The logic lives in those classes.
 */
public class SynclineSinkTask extends SinkTask {

    /** The task's index among its connector's tasks, in the config the connector gives it. */
    static final String TASK_INDEX = "syncline.task.index";

    private static final Logger LOG = LoggerFactory.getLogger(SynclineSinkTask.class);
    /** How long a batch waits before it is retried when a column has not reached this site yet. */
    private static final long SCHEMA_WAIT_MS = 2_000;
    /** About how many changes one database transaction applies (a larger source transaction goes alone). */
    static final int BATCH_EVENTS = 4_096;
    /** Batches one {@code put} may apply before it hands control back to Connect. */
    private static final int BATCHES_PER_PUT = 8;

    private final Map<TopicPartition, Long> applied = new HashMap<>();
    private SynclineSinkConnectorConfig config;
    private SiteId self;
    private SiteApplier applier;
    private SiteConnection connection;
    private EnvelopeReader envelopes;
    private RecentDots recentDots;
    private PartitionLeases leases;
    private PausedPartitions pausedPartitions;
    private EpochClaims epochClaims;
    private DeadLetters deadLetters;
    private BatchApplier batches;
    private TransactionInbox inbox;
    private SiteFrontier frontier;
    private WaitingPartitions waitingPartitions;
    /** The records of the last put that failed: Connect delivers the very same ones again, already held. */
    private Collection<SinkRecord> failedPut;
    private ApplyResult totals = ApplyResult.EMPTY;
    private long duplicatesSkippedByCache;
    private SinkTaskMetrics metrics;
    private Optional<ConflictRetention> retention = Optional.empty();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new SynclineSinkConnectorConfig(props);
        self = config.siteId();
        CoordinatorClient coordinator = config.coordinatorPeers().isEmpty() ? null
                : CoordinatorClient.connect(config.coordinatorPeers());
        ResolverRegistry resolvers = config.resolvers();
        if (coordinator != null) {
            String group = config.syncGroup();
            resolvers = resolvers.withDecisions((key, proposal) -> coordinator.decide(group, key, proposal));
            try {
                coordinator.registerSite(new SiteRecord(group, self.value(), config.engine().configName(), 0,
                        SiteState.ACTIVE));
            } catch (RuntimeException e) {
                LOG.warn("Site {} could not register with the coordinator ({}); it applies under leases anyway", self,
                        e.getMessage());
            }
        }
        // At PostgreSQL 16+ sites the applied rows carry this task's replication origin, so the site's capture
        // (origin=none) is not sent them; one origin per task, as one session at a time may use it.
        ApplyOrigin origin = config.engine() == Engine.POSTGRES
                ? ApplyOrigin.named("syncline:" + props.getOrDefault("name", config.syncGroup() + "-" + self) + ":"
                        + props.getOrDefault(TASK_INDEX, "0"))
                : ApplyOrigin.none();
        applier = new SiteApplier(config.engine().dialect(), self, resolvers, config.ledgerEnabled(), origin);
        connection = new SiteConnection(config::connect, applier.dialect(),
                coordinator == null ? Optional.empty() : Optional.of(config.leaseTtl()), self);
        envelopes = new EnvelopeReader(() -> context.errantRecordReporter());
        recentDots = new RecentDots(config.dedupeCacheSize());
        // Chosen once: without the test key it hands back what it is given, so put and the lease renewal pay nothing.
        TaskPause pause = TaskPause.of(config.freezeFile());
        String holder = config.consumerName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        leases = coordinator == null ? PartitionLeases.unfenced() : PartitionLeases.coordinated(coordinator,
                config.syncGroup(), self.value(), holder, config.leaseTtl(), Clock.systemUTC(), pause);
        pausedPartitions = new PausedPartitions(self);
        epochClaims = new EpochClaims((tp, epoch) -> applier.claim(connection.get(), config.consumerName(),
                tp.topic(), tp.partition(), epoch));
        deadLetters = new DeadLetters(self, () -> context.errantRecordReporter());
        batches = pause.aroundApply(new CurrentShapeApply(CurrentShapeApply.Site.of(connection,
                new TargetColumns(applier.dialect()), applier), deadLetters, self));
        metrics = SinkTaskMetrics.register(config.consumerName(), config.syncGroup(), self.value());
        inbox = new TransactionInbox(config.consumerName(), self, envelopes::readEnvelope, recentDots, System::nanoTime);
        frontier = new SiteFrontier(topic -> {
            Connection c = connection.get();
            Map<Integer, Long> stored = applier.storedOffsets(c, config.consumerName(), topic);
            c.commit();
            return stored;
        }, System::nanoTime);
        waitingPartitions = new WaitingPartitions(self);
        SinkTaskMetrics taskMetrics = metrics;
        retention = ConflictRetention.start(config::connect, config.engine(), config.conflictsRetention(),
                config.conflictsRetentionRows(), config.conflictsRetentionCheck(), self.value(),
                taskMetrics::conflictsPurged);
        LOG.info("Applying group {} at site {} as consumer {} (task {}, {})", config.syncGroup(), self,
                config.consumerName(), holder, config.coordinatorPeers().isEmpty() ? "no coordinator"
                        : "leases from " + config.coordinatorPeers());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        leases.want(partitions);
        Map<String, List<TopicPartition>> byTopic = new HashMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp);
        }
        try {
            Connection c = connection.get();
            Map<TopicPartition, Long> seek = new HashMap<>();
            for (Map.Entry<String, List<TopicPartition>> entry : byTopic.entrySet()) {
                Map<Integer, Long> stored = applier.storedOffsets(c, config.consumerName(), entry.getKey());
                c.commit();
                for (TopicPartition tp : entry.getValue()) {
                    inbox.forget(List.of(tp));
                    Long next = stored.get(tp.partition());
                    if (next != null) {
                        seek.put(tp, next);
                        applied.put(tp, next);
                        inbox.stored(tp, next);
                    }
                }
            }
            context.offset(seek);
            LOG.info("Site {} resumes {} partitions from offsets stored in its database: {}", self, partitions.size(),
                    seek);
        } catch (SQLException e) {
            connection.close();
            throw new RetriableException("cannot read stored offsets at site " + self + ": " + e.getMessage()
                    + "; the task will retry", e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        pausedPartitions.resumeLeased(leases, context);
        // Connect hands a failed put's records again: they are held already, only the leases are looked at anew.
        inbox.receive(sameRecords(records, failedPut) ? List.of() : records, leases);
        pausedPartitions.pause(inbox.unleased(), context);
        failedPut = null;
        try {
            for (int i = 0; i < BATCHES_PER_PUT; i++) {
                BatchPlan plan = inbox.plan(frontier, BATCH_EVENTS);
                if (!plan.hasOffsets()) {
                    break;
                }
                applyPlan(plan);
            }
        } catch (RuntimeException e) {
            failedPut = records;
            throw e;
        } finally {
            waitingPartitions.update(inbox, pausedPartitions.paused(), context);
            metrics.held(inbox.waiting().size(), inbox.held());
        }
    }

    /** Whether Connect delivers again the very records of a put that failed (they are held already). */
    private static boolean sameRecords(Collection<SinkRecord> records, Collection<SinkRecord> failed) {
        if (failed == null || failed.size() != records.size() || records.isEmpty()) {
            return false;
        }
        Iterator<SinkRecord> again = records.iterator();
        for (SinkRecord record : failed) {
            if (again.next() != record) {
                return false;
            }
        }
        return true;
    }

    /** Applies one planned batch in one database transaction, and accounts for it. */
    private void applyPlan(BatchPlan plan) {
        try {
            epochClaims.claimNew(plan.epochs());
            long began = metrics.batchStarted();
            BatchOutcome.Committed batch = batches.apply(plan);
            inbox.committed(plan);
            account(plan, batch, began);
        } catch (FencedException e) {
            // A newer writer holds one of the partitions: nothing of the batch was written. Forget
            // the leases of the batch; the next put finds them gone and rewinds those partitions.
            leases.forget(plan.epochs().keySet());
            epochClaims.forget(plan.epochs().keySet());
            throw new RetriableException("site " + self + ": " + e.getMessage(), e);
        } catch (TargetColumns.ColumnNotHereYetException e) {
            LOG.warn("Site {}: {}; retrying in {} ms", self, e.getMessage(), SCHEMA_WAIT_MS);
            context.timeout(SCHEMA_WAIT_MS);
            throw new RetriableException("site " + self + ": " + e.getMessage(), e);
        } catch (SiteSetupException e) {
            throw new ConnectException("site " + self + " cannot apply changes: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw failed(e, plan.events().size());
        } finally {
            metrics.applyRetries(applier.lockRetries());
        }
    }

    private void skippedByDotCache(int count) {
        duplicatesSkippedByCache += count;
        metrics.skippedByDotCache(count);
    }

    /** Counts a committed batch; from now on its offsets may be committed and its dots skipped. */
    private void account(BatchPlan plan, BatchOutcome.Committed batch, long began) {
        totals = totals.plus(batch.result());
        skippedByDotCache(plan.skippedByDotCache());
        metrics.batchApplied(batch.result(), batch.conflicts(), plan.events(), plan.events().size(), began);
        accountTransactions(plan);
        applied.putAll(plan.nextOffsets());
        frontier.appliedHere(plan.nextOffsets());
        recentDots.rememberApplied(plan.events(), batch.result().rejected());
        LOG.trace("Applied batch of {} changes ({} transactions) at {}: {}", plan.events().size(),
                plan.transactions().size(), self, batch.result());
    }

    private void accountTransactions(BatchPlan plan) {
        Map<String, int[]> counts = new HashMap<>();
        Map<String, Long> newest = new HashMap<>();
        for (TransactionInbox.Transaction t : plan.transactions()) {
            if (t.events().isEmpty()) {
                continue;
            }
            counts.computeIfAbsent(t.origin(), o -> new int[1])[0]++;
            for (ChangeEvent e : t.events()) {
                newest.merge(t.origin(), e.commitTimeMicros(), Math::max);
            }
        }
        counts.forEach((origin, n) -> metrics.transactionsApplied(origin, n[0], newest.getOrDefault(origin, 0L)));
        for (TransactionInbox.Wait wait : plan.waits()) {
            metrics.dependencyWaited(wait.origin(), wait.nanos());
        }
    }

    /** What a failed batch means for the task: a retry (on a new connection) when the engine says it can help. */
    private RuntimeException failed(SQLException e, int records) {
        if (applier.dialect().isTransient(e)) {
            connection.close();
            return new RetriableException("site " + self + " could not apply a batch of " + records + " changes ("
                    + applier.reasonOf(e) + "); nothing of it was written and it will be retried");
        }
        return new ConnectException("site " + self + " cannot apply a batch of " + records + " changes: "
                + applier.reasonOf(e));
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Long next = applied.get(tp);
            if (next != null) {
                committed.put(tp, new OffsetAndMetadata(next));
            }
        }
        return committed;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(applied::remove);
        inbox.forget(partitions);
        waitingPartitions.forget(partitions);
        epochClaims.forget(partitions);
        pausedPartitions.forget(partitions);
        leases.giveUp(partitions);
    }

    @Override
    public void stop() {
        retention.ifPresent(ConflictRetention::close);
        if (leases != null) {
            leases.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (self != null) {
            LOG.info("Apply at site {} stopped: {} applied, {} skipped as already present, {} conflicts, "
                    + "{} duplicates skipped by the dot cache, {} set aside on the dead-letter topic", self,
                    totals.applied(), totals.skipped(), totals.conflicts(), duplicatesSkippedByCache,
                    deadLetters == null ? 0 : deadLetters.count());
        }
    }
}
