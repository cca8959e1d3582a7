package io.syncline.connector.metrics;

import io.syncline.core.ChangeEvent;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.management.MBeanServer;

/**
 * The metrics of one source task, registered as an MXBean for as long as the task runs.
 *
 * <pre>{@code
 * metrics = SourceTaskMetrics.register("orders-east-source", "orders", "east");
 * metrics.captured(records.size());
 * metrics.emitted(event);
 * metrics.droppedForeign(pairing.droppedForeign());
 * ...
 * metrics.close();   // in stop()
 * }</pre>
 */
public final class SourceTaskMetrics extends TaskMetrics implements SourceTaskMetricsMXBean {

    public static final String CONTEXT = "source";

    private static final Duration RATE_TAU = Duration.ofSeconds(10);

    private final Clock clock;
    private final EventRate rate;
    private final LongAdder captured = new LongAdder();
    private final LongAdder emitted = new LongAdder();
    private final AtomicLong droppedForeign = new AtomicLong();
    private final LongAdder conflictsPublished = new LongAdder();
    private final AtomicLong captureLagMillis = new AtomicLong(-1);
    private volatile int pairingBuffered;
    private volatile int pairingBufferedPeak;

    SourceTaskMetrics(String syncGroup, String site, Clock clock, LongSupplier nanoTime) {
        super(syncGroup, site);
        this.clock = clock;
        this.rate = new EventRate(nanoTime, RATE_TAU);
    }

    /** Creates the metrics of a task of {@code connector} and registers them with the platform MBean server. */
    public static SourceTaskMetrics register(String connector, String syncGroup, String site) {
        return register(ManagementFactory.getPlatformMBeanServer(), connector,
                new SourceTaskMetrics(syncGroup, site, Clock.systemUTC(), System::nanoTime));
    }

    static SourceTaskMetrics register(MBeanServer server, String connector, SourceTaskMetrics metrics) {
        return register(server, CONTEXT, connector, metrics, SourceTaskMetricsMXBean.class);
    }

    /** Records read from the site's log in one poll. */
    public void captured(int records) {
        captured.add(records);
    }

    /** A change event handed to Connect for the changes topic. */
    public void emitted(ChangeEvent event) {
        emitted.increment();
        rate.record(1);
        if (event.commitTimeMicros() > 0) {
            captureLagMillis.set(Math.max(0, clock.millis() - event.commitTimeMicros() / 1000));
        }
    }

    /** A conflict-log row handed to Connect for the conflicts topic. */
    public void conflictPublished() {
        conflictsPublished.increment();
    }

    /** The capture's running count of changes applied here from other sites (not shipped again). */
    public void droppedForeign(long total) {
        droppedForeign.set(total);
    }

    /** How many captured changes wait for their partners now, and the most that ever did. */
    public void pairingBuffered(int now, int peak) {
        pairingBuffered = now;
        pairingBufferedPeak = peak;
    }

    @Override
    public long getCaptured() {
        return captured.sum();
    }

    @Override
    public long getEmitted() {
        return emitted.sum();
    }

    @Override
    public long getDroppedForeign() {
        return droppedForeign.get();
    }

    @Override
    public long getConflictsPublished() {
        return conflictsPublished.sum();
    }

    @Override
    public long getLastCaptureLagMillis() {
        return captureLagMillis.get();
    }

    @Override
    public double getEventsPerSecond() {
        return rate.perSecond();
    }

    @Override
    public int getPairingBuffered() {
        return pairingBuffered;
    }

    @Override
    public int getPairingBufferedPeak() {
        return pairingBufferedPeak;
    }
}
