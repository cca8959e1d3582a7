package io.syncline.connector.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A distribution with fixed upper bounds, kept the way Prometheus histograms are: a count per
 * bucket, the sum and the count of every observation. Thread-safe and lock-free; a reader may see
 * an observation in the count before it shows in the sum, as with any Prometheus client.
 *
 * <pre>{@code
 * Histogram sizes = new Histogram(1, 4, 16, 64, 256);
 * sizes.observe(20);
 * sizes.cumulativeBuckets(); // {1=0, 4=0, 16=0, 64=1, 256=1, +Inf=1}
 * }</pre>
 */
public final class Histogram {

    /** The label of the bucket that holds every observation. */
    public static final String INFINITY = "+Inf";

    private final double[] bounds;
    private final LongAdder[] buckets;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    /**
     * @param bounds the buckets' upper bounds (inclusive), ascending; {@code +Inf} is added
     * @throws IllegalArgumentException if there is none or they do not ascend
     */
    public Histogram(double... bounds) {
        if (bounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must ascend, got " + Arrays.toString(bounds));
            }
        }
        this.bounds = bounds.clone();
        this.buckets = new LongAdder[bounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Counts one observation. */
    public void observe(double value) {
        int index = Arrays.binarySearch(bounds, value);
        buckets[index >= 0 ? index : -index - 1].increment();
        sum.add(value);
        count.increment();
    }

    /** Per upper bound (as Prometheus writes it, {@code +Inf} last): how many observations were at most that. */
    public Map<String, Long> cumulativeBuckets() {
        Map<String, Long> out = new LinkedHashMap<>();
        long running = 0;
        for (int i = 0; i < bounds.length; i++) {
            running += buckets[i].sum();
            out.put(label(bounds[i]), running);
        }
        out.put(INFINITY, running + buckets[bounds.length].sum());
        return out;
    }

    /** The sum of every observation. */
    public double sum() {
        return sum.sum();
    }

    /** How many observations were made. */
    public long count() {
        return count.sum();
    }

    /** {@code 16.0} as {@code 16}, {@code 0.005} as {@code 0.005}. */
    static String label(double bound) {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound)
                : Double.toString(bound);
    }
}
