package io.syncline.connector.metrics;

/**
 * What one source task has captured, as JMX attributes of
 * {@code io.syncline:type=connector-metrics,context=source,connector=<name>,task=<n>}. Counters
 * count since the task started.
 *
 * <pre>{@code
 * ObjectName name = new ObjectName("io.syncline:type=connector-metrics,context=source,connector=orders-east-source,task=0");
 * long emitted = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Emitted");
 * }</pre>
 */
public interface SourceTaskMetricsMXBean {

    /** The sync group the task captures for. */
    String getSyncGroup();

    /** The site the task captures. */
    String getSite();

    /** Records read from the site's log (row changes, their meta changes, conflict-log rows). */
    long getCaptured();

    /** Change events sent to the changes topic: this site's own writes. */
    long getEmitted();

    /** Changes that were applied here from other sites and therefore not shipped again. */
    long getDroppedForeign();

    /** Rows of the site's conflict log sent to the conflicts topic. */
    long getConflictsPublished();

    /**
     * At the latest emitted change: the time it was emitted minus its source commit time; -1 before
     * the first change with a known commit time.
     */
    long getLastCaptureLagMillis();

    /** Change events emitted per second over the last ~10 s. */
    double getEventsPerSecond();

    /** Captured changes waiting for their partner (a row change for its meta change or back) now. */
    int getPairingBuffered();

    /** The most captured changes that waited for their partners at once since the task started. */
    int getPairingBufferedPeak();
}
