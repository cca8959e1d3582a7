package io.syncline.tools.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples this JVM's used heap every 50 ms on a daemon thread and keeps the highest value seen:
 * with the embedded stack, broker, worker (source and sink tasks) and the bench all share it. Used
 * heap includes garbage not yet collected (a collector may let it fill the heap), so it also keeps
 * the highest heap left after a collection, which is what the live objects need.
 *
 * <pre>{@code
 * try (HeapWatch heap = HeapWatch.start()) {
 *     ...
 *     long peakMb = heap.peakMb();
 * }
 * }</pre>
 */
final class HeapWatch implements AutoCloseable {

    private static final long SAMPLE_MS = 50;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong livePeak = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;

    private HeapWatch() {
        sampler = new Thread(this::sample, "syncline-bench-heap");
        sampler.setDaemon(true);
    }

    static HeapWatch start() {
        HeapWatch watch = new HeapWatch();
        watch.sampler.start();
        return watch;
    }

    private void sample() {
        while (running) {
            peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            long afterCollection = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage usage = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
                afterCollection += usage == null ? 0 : usage.getUsed();
            }
            livePeak.accumulateAndGet(afterCollection, Math::max);
            try {
                Thread.sleep(SAMPLE_MS); // a sampling period, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The highest used heap sampled so far, in MiB. */
    long peakMb() {
        return peak.get() >> 20;
    }

    /** The most heap left in use right after a collection so far (live objects), in MiB. */
    long livePeakMb() {
        return livePeak.get() >> 20;
    }

    /** The heap's limit (-Xmx), in MiB. */
    long maxMb() {
        return Runtime.getRuntime().maxMemory() >> 20;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
