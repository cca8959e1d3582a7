package io.syncline.connector.metrics;

import io.syncline.core.ChangeEvent;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.LoggedConflict;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.management.MBeanServer;

/**
 * The metrics of one sink task, registered as an MXBean for as long as the task runs. The task
 * calls {@link #batchStarted()} and {@link #batchApplied} around each committed batch, and
 * {@link #skippedByDotCache(int)} for the changes its dot cache skips. Conflicts are counted by type
 * and rule from what the applier reports it logged: nothing is read back from the site.
 *
 * <pre>{@code
 * metrics = SinkTaskMetrics.register("orders-east-sink", "orders", "east");
 * long began = metrics.batchStarted();
 * BatchOutcome.Committed batch = (BatchOutcome.Committed) applier.apply(connection, events, offsets, handler);
 * metrics.batchApplied(batch.result(), batch.conflicts(), events, records.size(), began);
 * ...
 * metrics.close();   // in stop()
 * }</pre>
 */
public final class SinkTaskMetrics extends TaskMetrics implements SinkTaskMetricsMXBean {

    public static final String CONTEXT = "sink";

    private static final Duration RATE_TAU = Duration.ofSeconds(10);
    private static final double LATENCY_WEIGHT = 0.2;

    private final Clock clock;
    private final LongSupplier nanoTime;
    private final EventRate rate;

    private final LongAdder applied = new LongAdder();
    private final LongAdder skippedByVector = new LongAdder();
    private final LongAdder skippedByDotCache = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final Map<String, LongAdder> byType = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byRule = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> transactionsByOrigin = new ConcurrentHashMap<>();
    private final Map<String, Long> appliedCommitMillisByOrigin = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> dependencyWaitsByOrigin = new ConcurrentHashMap<>();
    private final Map<String, Long> dependencyWaitMaxMillisByOrigin = new ConcurrentHashMap<>();
    private final Map<String, Long> dependencyWaitLastMillisByOrigin = new ConcurrentHashMap<>();
    private final AtomicLong lastBatchSize = new AtomicLong();
    private final AtomicLong applyRetries = new AtomicLong();
    private final AtomicLong partitionsWaiting = new AtomicLong();
    private final AtomicLong recordsHeld = new AtomicLong();
    private final LongAdder conflictsPurged = new LongAdder();
    private final AtomicLong lastLatencyMillis = new AtomicLong();
    private final LongAccumulator maxLatencyMillis = new LongAccumulator(Math::max, 0);
    private final AtomicLong lagMillis = new AtomicLong(-1);
    private final AtomicLong lastBatchTimeMillis = new AtomicLong();
    private final Histogram batchSizes = new Histogram(1, 4, 16, 64, 256, 1_024, 4_096, 16_384);
    private final Histogram batchLatencySeconds = new Histogram(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1, 2.5, 5, 10);
    private final Histogram lagSeconds = new Histogram(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
            30, 60, 300);
    private double meanLatencyMillis;
    private boolean latencySeen;

    SinkTaskMetrics(String syncGroup, String site, Clock clock, LongSupplier nanoTime) {
        super(syncGroup, site);
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.rate = new EventRate(nanoTime, RATE_TAU);
    }

    /** Creates the metrics of a task of {@code connector} and registers them with the platform MBean server. */
    public static SinkTaskMetrics register(String connector, String syncGroup, String site) {
        return register(ManagementFactory.getPlatformMBeanServer(), connector,
                new SinkTaskMetrics(syncGroup, site, Clock.systemUTC(), System::nanoTime));
    }

    static SinkTaskMetrics register(MBeanServer server, String connector, SinkTaskMetrics metrics) {
        return register(server, CONTEXT, connector, metrics, SinkTaskMetricsMXBean.class);
    }

    /** Resolved conflict-log entries the retention deleted ({@code conflicts.retention.*}). */
    public void conflictsPurged(long count) {
        if (count > 0) {
            conflictsPurged.add(count);
        }
    }

    @Override
    public long getConflictsPurged() {
        return conflictsPurged.sum();
    }

    /** A change skipped because its dot is in the task's cache of recently applied dots. */
    public void skippedByDotCache() {
        skippedByDotCache(1);
    }

    /** {@code count} changes skipped because their dots are in the task's cache of recently applied dots. */
    public void skippedByDotCache(int count) {
        if (count > 0) {
            skippedByDotCache.add(count);
            rate.record(count);
        }
    }

    /**
     * Source transactions of {@code origin} a committed batch applied; {@code newestCommitMicros} is
     * the source commit time of the newest of them (0 if unknown): the origin's applied position.
     */
    public void transactionsApplied(String origin, int transactions, long newestCommitMicros) {
        transactionsByOrigin.computeIfAbsent(origin, o -> new LongAdder()).add(transactions);
        if (newestCommitMicros > 0) {
            appliedCommitMillisByOrigin.merge(origin, newestCommitMicros / 1000, Math::max);
        }
    }

    /** A transaction of {@code origin} waited {@code nanos} for a dependency before it could be applied. */
    public void dependencyWaited(String origin, long nanos) {
        long millis = Math.max(0, nanos / 1_000_000);
        dependencyWaitsByOrigin.computeIfAbsent(origin, o -> new LongAdder()).increment();
        dependencyWaitMaxMillisByOrigin.merge(origin, millis, Math::max);
        dependencyWaitLastMillisByOrigin.put(origin, millis);
    }

    /** After each put: partitions whose next transaction waits for a dependency, and records held unapplied. */
    public void held(int waitingPartitions, int records) {
        partitionsWaiting.set(waitingPartitions);
        recordsHeld.set(records);
    }

    @Override
    public int getPartitionsWaitingForDependencies() {
        return (int) partitionsWaiting.get();
    }

    @Override
    public int getRecordsHeld() {
        return (int) recordsHeld.get();
    }

    @Override
    public Map<String, Long> getTransactionsAppliedByOrigin() {
        return sums(transactionsByOrigin);
    }

    @Override
    public Map<String, Long> getAppliedCommitTimeMillisByOrigin() {
        return new TreeMap<>(appliedCommitMillisByOrigin);
    }

    @Override
    public Map<String, Long> getDependencyWaitsByOrigin() {
        return sums(dependencyWaitsByOrigin);
    }

    @Override
    public Map<String, Long> getDependencyWaitMaxMillisByOrigin() {
        return new TreeMap<>(dependencyWaitMaxMillisByOrigin);
    }

    @Override
    public Map<String, Long> getDependencyWaitLastMillisByOrigin() {
        return new TreeMap<>(dependencyWaitLastMillisByOrigin);
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        Map<String, Long> out = new TreeMap<>();
        adders.forEach((key, adder) -> out.put(key, adder.sum()));
        return out;
    }

    /** Marks the start of a batch's transaction; hand the value to {@link #batchApplied}. */
    public long batchStarted() {
        return nanoTime.getAsLong();
    }

    /**
     * Counts a committed batch.
     *
     * @param result what the batch did
     * @param logged the conflicts the batch wrote to the site's conflict log (counted by type and rule)
     * @param events the changes handed to the applier
     * @param records the records of the batch (its size)
     * @param startedNanos what {@link #batchStarted()} returned
     */
    public void batchApplied(ApplyResult result, List<LoggedConflict> logged, List<ChangeEvent> events, int records,
            long startedNanos) {
        long latencyNanos = Math.max(0, nanoTime.getAsLong() - startedNanos);
        long latency = latencyNanos / 1_000_000;
        batchSizes.observe(records);
        batchLatencySeconds.observe(latencyNanos / 1e9);
        long now = clock.millis();
        applied.add(result.applied());
        skippedByVector.add(result.skipped());
        conflicts.add(result.conflicts());
        deadLettered.add(result.rejected().size());
        batches.increment();
        lastBatchSize.set(records);
        lastLatencyMillis.set(latency);
        maxLatencyMillis.accumulate(latency);
        synchronized (this) {
            meanLatencyMillis = latencySeen ? meanLatencyMillis + LATENCY_WEIGHT * (latency - meanLatencyMillis) : latency;
            latencySeen = true;
        }
        long newestCommitMicros = 0;
        for (ChangeEvent event : events) {
            newestCommitMicros = Math.max(newestCommitMicros, event.commitTimeMicros());
        }
        if (newestCommitMicros > 0) {
            long lag = Math.max(0, now - newestCommitMicros / 1000);
            lagMillis.set(lag);
            lagSeconds.observe(lag / 1000.0);
        }
        lastBatchTimeMillis.set(now);
        rate.record(result.applied() + result.skipped() + result.conflicts() + result.rejected().size());
        for (LoggedConflict conflict : logged) {
            byType.computeIfAbsent(conflict.type().label(), t -> new LongAdder()).increment();
            byRule.computeIfAbsent(conflict.rule(), r -> new LongAdder()).increment();
        }
    }

    @Override
    public Map<String, Long> getBatchSizeHistogramBuckets() {
        return batchSizes.cumulativeBuckets();
    }

    @Override
    public double getBatchSizeHistogramSum() {
        return batchSizes.sum();
    }

    @Override
    public long getBatchSizeHistogramCount() {
        return batchSizes.count();
    }

    @Override
    public Map<String, Long> getApplyBatchDurationSecondsHistogramBuckets() {
        return batchLatencySeconds.cumulativeBuckets();
    }

    @Override
    public double getApplyBatchDurationSecondsHistogramSum() {
        return batchLatencySeconds.sum();
    }

    @Override
    public long getApplyBatchDurationSecondsHistogramCount() {
        return batchLatencySeconds.count();
    }

    @Override
    public Map<String, Long> getApplyLagSecondsHistogramBuckets() {
        return lagSeconds.cumulativeBuckets();
    }

    @Override
    public double getApplyLagSecondsHistogramSum() {
        return lagSeconds.sum();
    }

    @Override
    public long getApplyLagSecondsHistogramCount() {
        return lagSeconds.count();
    }

    @Override
    public long getApplied() {
        return applied.sum();
    }

    @Override
    public long getSkippedAsDuplicate() {
        return skippedByVector.sum() + skippedByDotCache.sum();
    }

    @Override
    public long getSkippedByDotCache() {
        return skippedByDotCache.sum();
    }

    @Override
    public long getConflicts() {
        return conflicts.sum();
    }

    @Override
    public Map<String, Long> getConflictsByType() {
        return snapshot(byType);
    }

    @Override
    public Map<String, Long> getConflictsByRule() {
        return snapshot(byRule);
    }

    @Override
    public long getConflictsInsertInsert() {
        return count(ConflictType.INSERT_INSERT);
    }

    @Override
    public long getConflictsUpdateUpdate() {
        return count(ConflictType.UPDATE_UPDATE);
    }

    @Override
    public long getConflictsUpdateDelete() {
        return count(ConflictType.UPDATE_DELETE);
    }

    @Override
    public long getConflictsDeleteDelete() {
        return count(ConflictType.DELETE_DELETE);
    }

    @Override
    public long getConflictsForeignKey() {
        return count(ConflictType.FOREIGN_KEY);
    }

    @Override
    public long getDeadLettered() {
        return deadLettered.sum();
    }

    /**
     * Records how many batch transactions the task's applier has rolled back for lock contention
     * with the site's applications and run again, in all (the applier counts them).
     */
    public void applyRetries(long total) {
        applyRetries.set(total);
    }

    @Override
    public long getApplyRetries() {
        return applyRetries.get();
    }

    @Override
    public long getBatches() {
        return batches.sum();
    }

    @Override
    public int getLastBatchSize() {
        return (int) lastBatchSize.get();
    }

    @Override
    public long getApplyBatchLatencyMillis() {
        return lastLatencyMillis.get();
    }

    @Override
    public synchronized double getApplyBatchLatencyMeanMillis() {
        return meanLatencyMillis;
    }

    @Override
    public long getApplyBatchLatencyMaxMillis() {
        return maxLatencyMillis.get();
    }

    @Override
    public long getLagMillis() {
        return lagMillis.get();
    }

    @Override
    public long getLastBatchTimeMillis() {
        return lastBatchTimeMillis.get();
    }

    @Override
    public double getEventsPerSecond() {
        return rate.perSecond();
    }

    private long count(ConflictType type) {
        LongAdder adder = byType.get(type.label());
        return adder == null ? 0 : adder.sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((key, adder) -> copy.put(key, adder.sum()));
        return copy;
    }
}
