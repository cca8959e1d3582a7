package io.syncline.connector.metrics;

import java.util.Map;

/**
 * What one sink task has applied, as JMX attributes of
 * {@code io.syncline:type=connector-metrics,context=sink,connector=<name>,task=<n>}. Counters count
 * since the task started; "last" values describe the latest committed batch.
 *
 * <pre>{@code
 * ObjectName name = new ObjectName("io.syncline:type=connector-metrics,context=sink,connector=orders-east-sink,task=0");
 * long applied = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Applied");
 * }</pre>
 */
public interface SinkTaskMetricsMXBean {

    /** The sync group the task applies. */
    String getSyncGroup();

    /** The site the task applies to. */
    String getSite();

    /** Incoming versions written to the site (conflicts not included). */
    long getApplied();

    /** Incoming versions the site already had: dominated by the local vector, or known to the dot cache. */
    long getSkippedAsDuplicate();

    /** The part of {@link #getSkippedAsDuplicate()} the dot cache skipped without a database round trip. */
    long getSkippedByDotCache();

    /** Incoming versions concurrent with the local one, each resolved and logged. */
    long getConflicts();

    /** Conflicts by type ({@code insert/insert}, {@code update/update}, ...), as the applier logged them. */
    Map<String, Long> getConflictsByType();

    /** Conflicts by the rule that resolved them ({@code last-writer-wins}, ...), as the applier logged them. */
    Map<String, Long> getConflictsByRule();

    long getConflictsInsertInsert();

    long getConflictsUpdateUpdate();

    long getConflictsUpdateDelete();

    long getConflictsDeleteDelete();

    /** Changes that met a foreign key broken by a concurrent write elsewhere, settled by {@code parent-delete-wins}. */
    long getConflictsForeignKey();

    /** Changes the site refused, set aside on the dead-letter topic. */
    long getDeadLettered();

    /**
     * Batch transactions rolled back because they lost a lock contention with the site's applications
     * (a lock wait refused or timed out, a deadlock) and run again: the apply yields to the application.
     */
    long getApplyRetries();

    /** Committed batches. */
    long getBatches();

    /** Records in the latest committed batch. */
    int getLastBatchSize();

    /** How long the latest batch's database transaction took. */
    long getApplyBatchLatencyMillis();

    /** Exponentially weighted mean of the batch latency (each batch weighs 0.2). */
    double getApplyBatchLatencyMeanMillis();

    /** The longest batch since the task started. */
    long getApplyBatchLatencyMaxMillis();

    /**
     * At the latest batch: its commit time minus the source commit time of the newest change in it;
     * -1 before the first change with a known commit time.
     */
    long getLagMillis();

    /** When the latest batch committed, in milliseconds since the epoch; 0 before the first. */
    long getLastBatchTimeMillis();

    /** Changes handled per second (applied, skipped, resolved or refused), over the last ~10 s. */
    double getEventsPerSecond();

    /** Partitions whose next complete transaction waits for a change of another origin to be applied first. */
    int getPartitionsWaitingForDependencies();

    /** Records received and not applied yet: transactions still incomplete or waiting for dependencies. */
    int getRecordsHeld();

    /** Source transactions applied, by origin site (records of this site's own counted under it, unapplied). */
    Map<String, Long> getTransactionsAppliedByOrigin();

    /** By origin: the source commit time of the newest transaction applied, in ms since the epoch. */
    Map<String, Long> getAppliedCommitTimeMillisByOrigin();

    /** By origin: how many transactions had to wait for a dependency (a change of another origin) first. */
    Map<String, Long> getDependencyWaitsByOrigin();

    /** By origin: the longest wait of a transaction for its dependencies. */
    Map<String, Long> getDependencyWaitMaxMillisByOrigin();

    /** By origin: the wait of the latest transaction that waited for its dependencies. */
    Map<String, Long> getDependencyWaitLastMillisByOrigin();

    /** Resolved conflict-log entries deleted by the retention ({@code conflicts.retention.ms/rows}). */
    long getConflictsPurged();

    /** Records per committed batch: cumulative count per upper bound ({@code +Inf} last), as Prometheus buckets. */
    Map<String, Long> getBatchSizeHistogramBuckets();

    double getBatchSizeHistogramSum();

    long getBatchSizeHistogramCount();

    /** How long each committed batch's database transaction took, in seconds, as Prometheus buckets. */
    Map<String, Long> getApplyBatchDurationSecondsHistogramBuckets();

    double getApplyBatchDurationSecondsHistogramSum();

    long getApplyBatchDurationSecondsHistogramCount();

    /**
     * Per committed batch: its commit time minus the source commit time of its newest change, in
     * seconds, as Prometheus buckets.
     */
    Map<String, Long> getApplyLagSecondsHistogramBuckets();

    double getApplyLagSecondsHistogramSum();

    long getApplyLagSecondsHistogramCount();
}
