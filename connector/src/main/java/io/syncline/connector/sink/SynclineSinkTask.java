package io.syncline.connector.sink;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.syncline.conflict.ResolverRegistry;
import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.SiteRecord;
import io.syncline.conflict.coordinator.SiteState;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.connector.config.Version;
import io.syncline.connector.metrics.SinkTaskMetrics;
import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.EnvelopeFormatException;
import io.syncline.core.SiteId;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.FencedException;
import io.syncline.core.apply.OffsetUpdate;
import io.syncline.core.apply.Rejection;
import io.syncline.core.apply.RejectionHandler;
import io.syncline.core.apply.SiteApplier;
import io.syncline.core.site.SiteSetupException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies change envelopes at one site. Each {@link #put} is one database transaction: offsets
 * (with the fence epoch), locked meta rows, vector comparison, rows, meta. On start it seeks to
 * the offsets stored in the database; {@link #preCommit} reports only offsets that were applied.
 */
public class SynclineSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(SynclineSinkTask.class);
    /** How long a batch waits before it is retried when a column has not reached this site yet. */
    private static final long SCHEMA_WAIT_MS = 2_000;

    private final ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    private TargetColumns columns;
    private final java.util.Set<String> refusedInBatch = new java.util.HashSet<>();
    private SynclineSinkConnectorConfig config;
    private SiteId self;
    private SiteApplier applier;
    private Connection connection;
    private Cache<String, Boolean> recentDots;
    private PartitionLeases leases;
    private FreezeSwitch freeze;
    private final Map<TopicPartition, Long> claimed = new HashMap<>();
    private final java.util.Set<TopicPartition> waitingForLease = new java.util.HashSet<>();
    private ApplyResult totals = ApplyResult.EMPTY;
    private long duplicatesSkippedByCache;
    private long deadLettered;
    private SinkTaskMetrics metrics;

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
        applier = new SiteApplier(config.engine().dialect(), self, resolvers, config.ledgerEnabled());
        columns = new TargetColumns(applier.dialect());
        recentDots = Caffeine.newBuilder().maximumSize(config.dedupeCacheSize()).build();
        freeze = new FreezeSwitch(config.freezeFile());
        String holder = config.consumerName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        if (coordinator == null) {
            leases = PartitionLeases.unfenced();
        } else {
            leases = PartitionLeases.coordinated(coordinator, config.syncGroup(), self.value(), holder,
                    config.leaseTtl(), Clock.systemUTC(), freeze);
        }
        metrics = SinkTaskMetrics.register(config.consumerName(), config.syncGroup(), self.value());
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
            Connection c = connection();
            Map<TopicPartition, Long> seek = new HashMap<>();
            for (Map.Entry<String, List<TopicPartition>> entry : byTopic.entrySet()) {
                Map<Integer, Long> stored = applier.storedOffsets(c, config.consumerName(), entry.getKey());
                c.commit();
                for (TopicPartition tp : entry.getValue()) {
                    Long next = stored.get(tp.partition());
                    if (next != null) {
                        seek.put(tp, next);
                        applied.put(tp, next);
                    }
                }
            }
            context.offset(seek);
            LOG.info("Site {} resumes {} partitions from offsets stored in its database: {}", self, partitions.size(),
                    seek);
        } catch (SQLException e) {
            closeConnection();
            throw new RetriableException("cannot read stored offsets at site " + self + ": " + e.getMessage()
                    + "; the task will retry", e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        refusedInBatch.clear();
        resumeLeasedPartitions();
        if (records.isEmpty()) {
            return;
        }
        List<ChangeEvent> events = new ArrayList<>(records.size());
        Map<ChangeEvent, SinkRecord> sources = new IdentityHashMap<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        Map<TopicPartition, Long> epochs = new HashMap<>();
        Map<TopicPartition, Long> notHeld = new HashMap<>();
        List<String> dots = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
            if (notHeld.containsKey(tp)) {
                continue;
            }
            if (!epochs.containsKey(tp)) {
                OptionalLong epoch = leases.epoch(tp);
                if (epoch.isEmpty()) {
                    notHeld.put(tp, record.kafkaOffset());
                    continue;
                }
                epochs.put(tp, epoch.getAsLong());
            }
            next.merge(tp, record.kafkaOffset() + 1, Math::max);
            ChangeEvent event = decode(record);
            if (event == null || event.origin().equals(self)) {
                continue;
            }
            String dot = event.dot().key();
            if (recentDots.getIfPresent(dot) != null) {
                duplicatesSkippedByCache++;
                metrics.skippedByDotCache();
                continue;
            }
            events.add(event);
            sources.put(event, record);
            dots.add(dot);
        }
        // Partitions this task may not write now: rewind them and wait for their lease.
        for (Map.Entry<TopicPartition, Long> entry : notHeld.entrySet()) {
            context.offset(entry.getKey(), entry.getValue());
            context.pause(entry.getKey());
            waitingForLease.add(entry.getKey());
            LOG.info("Site {} does not hold the lease of {}; paused until it does", self, entry.getKey());
        }
        if (next.isEmpty()) {
            return;
        }
        List<OffsetUpdate> offsets = new ArrayList<>();
        for (Map.Entry<TopicPartition, Long> entry : next.entrySet()) {
            offsets.add(new OffsetUpdate(config.consumerName(), entry.getKey().topic(), entry.getKey().partition(),
                    entry.getValue(), epochs.get(entry.getKey())));
        }
        boolean frozeBeforeApply = false;
        try {
            claimNewEpochs(epochs);
            frozeBeforeApply = !events.isEmpty() && freeze.pass();
            long began = metrics.batchStarted();
            BatchOutcome.Committed batch = applyToCurrentShapes(events, offsets, sources);
            ApplyResult result = batch.result();
            totals = totals.plus(result);
            metrics.batchApplied(result, batch.conflicts(), events, records.size(), began);
            if (frozeBeforeApply) {
                freeze.report("applied");
            }
            applied.putAll(next);
            for (String dot : dots) {
                // A refused change is not held here: a replay of it (syncline replay) must reach the database.
                if (!refusedInBatch.contains(dot)) {
                    recentDots.put(dot, Boolean.TRUE);
                }
            }
            LOG.trace("Applied batch of {} records at {}: {}", records.size(), self, result);
        } catch (FencedException e) {
            // A newer writer holds one of the partitions: nothing of the batch was written. Forget
            // the leases of the batch; Connect redelivers it and only leases held anew are applied.
            leases.forget(epochs.keySet());
            claimed.keySet().removeAll(epochs.keySet());
            if (frozeBeforeApply) {
                freeze.report("fenced");
            }
            throw new RetriableException("site " + self + ": " + e.getMessage(), e);
        } catch (SiteSetupException e) {
            throw new ConnectException("site " + self + " cannot apply changes: " + e.getMessage(), e);
        } catch (SQLException e) {
            if (applier.dialect().isTransient(e)) {
                closeConnection();
                throw new RetriableException("site " + self + " could not apply a batch of " + records.size()
                        + " changes (" + applier.reasonOf(e) + "); nothing of it was written and it will be "
                        + "retried");
            }
            throw new ConnectException("site " + self + " cannot apply a batch of " + records.size() + " changes: "
                    + applier.reasonOf(e));
        }
    }

    /**
     * Applies the batch to the tables as they are now. Changes are first fitted to the target's
     * columns (a column dropped here is left out; one not added here yet makes the batch wait). When
     * the database refuses something while the cached table shapes may be stale (a schema change at
     * this site), the shapes are read again and the batch is applied once more before any change is
     * set aside as refused.
     */
    /** How many times a batch is tried on freshly read table shapes before the mismatch is an error. */
    private static final int FRESH_ROUNDS = 3;

    private BatchOutcome.Committed applyToCurrentShapes(List<ChangeEvent> events, List<OffsetUpdate> offsets,
            Map<ChangeEvent, SinkRecord> sources) throws SQLException {
        boolean fresh = false;
        int freshRounds = 0;
        while (true) {
            boolean[] reloaded = {false};
            List<ChangeEvent> fitted;
            try {
                fitted = columns.fit(connection(), events, reloaded);
            } catch (TargetColumns.ColumnNotHereYetException e) {
                LOG.warn("Site {}: {}; retrying in {} ms", self, e.getMessage(), SCHEMA_WAIT_MS);
                context.timeout(SCHEMA_WAIT_MS);
                throw new RetriableException("site " + self + ": " + e.getMessage(), e);
            }
            if (reloaded[0]) {
                applier.forgetTableShapes();
                fresh = true;
            }
            Map<ChangeEvent, SinkRecord> fittedSources = new IdentityHashMap<>();
            for (int i = 0; i < events.size(); i++) {
                fittedSources.put(fitted.get(i), sources.get(events.get(i)));
            }
            boolean shapesFresh = fresh;
            try {
                BatchOutcome outcome = applier.apply(connection(), fitted, offsets, rejected -> {
                    // Refused on shapes that may be stale: roll back and try again on fresh ones first.
                    if (!shapesFresh) {
                        return RejectionHandler.Decision.ROLL_BACK;
                    }
                    setAside(rejected, fittedSources);
                    return RejectionHandler.Decision.COMMIT_REST;
                });
                if (outcome instanceof BatchOutcome.Committed committed) {
                    return committed;
                }
            } catch (SiteSetupException e) {
                if (fresh && ++freshRounds >= FRESH_ROUNDS) {
                    throw e;
                }
            } catch (SQLException e) {
                if (!applier.dialect().isStaleShape(e) || (fresh && ++freshRounds >= FRESH_ROUNDS)) {
                    throw e;
                }
            }
            // A schema change committed between the two catalog reads (the columns to keep, then the
            // statements) shows as a mismatch even on fresh shapes: read both again, a few times.
            LOG.info("Site {} reads its table shapes again (a schema change?) and applies the batch once more", self);
            applier.forgetTableShapes();
            columns.forget();
            fresh = true;
        }
    }

    /** Partitions paused for want of a lease whose lease the task now holds: back to work. */
    private void resumeLeasedPartitions() {
        if (waitingForLease.isEmpty()) {
            return;
        }
        List<TopicPartition> ready = new ArrayList<>();
        for (TopicPartition tp : waitingForLease) {
            if (leases.epoch(tp).isPresent()) {
                ready.add(tp);
            }
        }
        if (!ready.isEmpty()) {
            waitingForLease.removeAll(ready);
            context.resume(ready.toArray(new TopicPartition[0]));
            LOG.info("Site {} holds the lease of {} again; resumed", self, ready);
        }
    }

    /** Records a newly held epoch at the site before the first batch under it (fences older writers). */
    private void claimNewEpochs(Map<TopicPartition, Long> epochs) throws SQLException {
        for (Map.Entry<TopicPartition, Long> entry : epochs.entrySet()) {
            Long before = claimed.get(entry.getKey());
            if (before == null || before < entry.getValue()) {
                TopicPartition tp = entry.getKey();
                applier.claim(connection(), config.consumerName(), tp.topic(), tp.partition(), entry.getValue());
                claimed.put(tp, entry.getValue());
            }
        }
    }

    /**
     * Sends the changes the site refused to the dead-letter topic with their reason, and waits until
     * the topic has them: only then may the batch (and their offsets) commit.
     */
    private void setAside(List<Rejection> rejected, Map<ChangeEvent, SinkRecord> sources) {
        ErrantRecordReporter reporter = context.errantRecordReporter();
        if (reporter == null) {
            Rejection first = rejected.get(0);
            throw new ConnectException("site " + self + " refused " + rejected.size() + " change(s), e.g. "
                    + first.event().table() + " key " + first.event().key() + ": " + first.reason()
                    + "; nothing of the batch was written. Configure errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name to set such changes aside and keep applying the rest");
        }
        List<Future<Void>> sent = new ArrayList<>();
        for (Rejection r : rejected) {
            refusedInBatch.add(r.event().dot().key());
            LOG.warn("Site {} refused the change of {} with dot {}; it goes to the dead-letter topic: {}", self,
                    r.event().table(), r.event().dot(), r.reason());
            // Connect's error context headers carry the original position and this message: the site,
            // the table, the change's dot and the database's reason (never the row's values).
            sent.add(reporter.report(sources.get(r.event()),
                    new DataException("site " + self + " refused the change of " + r.event().table() + " with dot "
                            + r.event().dot() + ": " + r.reason())));
        }
        for (Future<Void> f : sent) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while setting refused changes aside; the batch will be "
                        + "retried", e);
            } catch (ExecutionException e) {
                throw new RetriableException("the dead-letter topic did not take a refused change ("
                        + e.getCause().getMessage() + "); the batch will be retried", e);
            }
        }
        deadLettered += rejected.size();
    }

    private ChangeEvent decode(SinkRecord record) {
        Object value = record.value();
        try {
            if (!(value instanceof byte[] bytes)) {
                throw new EnvelopeFormatException("record value is " + (value == null ? "null"
                        : value.getClass().getSimpleName()) + ", not the bytes of a change envelope "
                        + "(use value.converter=org.apache.kafka.connect.converters.ByteArrayConverter)");
            }
            return codec.decode(bytes);
        } catch (EnvelopeFormatException e) {
            ErrantRecordReporter reporter = context.errantRecordReporter();
            if (reporter == null) {
                throw new ConnectException("record at " + record.topic() + "-" + record.kafkaPartition() + "@"
                        + record.kafkaOffset() + " cannot be read: " + e.getMessage()
                        + "; configure errors.tolerance=all and errors.deadletterqueue.topic.name to set such "
                        + "records aside", e);
            }
            reporter.report(record, e);
            return null;
        }
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
        for (TopicPartition tp : partitions) {
            applied.remove(tp);
            claimed.remove(tp);
            waitingForLease.remove(tp);
        }
        leases.giveUp(partitions);
    }

    @Override
    public void stop() {
        if (leases != null) {
            leases.close();
        }
        closeConnection();
        if (metrics != null) {
            metrics.close();
        }
        if (self != null) {
            LOG.info("Apply at site {} stopped: {} applied, {} skipped as already present, {} conflicts, "
                    + "{} duplicates skipped by the dot cache, {} set aside on the dead-letter topic", self,
                    totals.applied(), totals.skipped(), totals.conflicts(), duplicatesSkippedByCache, deadLettered);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = config.connect();
            if (!config.coordinatorPeers().isEmpty()) {
                applier.dialect().prepareLeaseSession(connection, config.leaseTtl());
            }
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the connection to site {} failed", self, e);
            }
            connection = null;
        }
    }
}
