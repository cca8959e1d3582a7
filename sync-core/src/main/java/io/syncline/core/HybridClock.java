package io.syncline.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: wall-clock milliseconds and a logical counter packed in one long,
 * {@code millis << 16 | logical}. The site triggers compute {@code epoch_ms << 16} in SQL, so
 * the packing is fixed.
 *
 * <p>Timestamps from one clock only grow, even when the wall clock steps back: {@link #now()}
 * returns {@code max(wall << 16, last + 1)}. When the logical half overflows it carries into
 * the millisecond half, which simply runs a little ahead of the wall clock until the wall
 * clock catches up. Milliseconds are limited to {@code [0, 2^47)} (until the year 6429) so
 * that every timestamp is a non-negative long and orders correctly as a signed number.
 *
 * <p>The wall clock is injected, so tests can drive it. The clock is thread-safe.
 *
 * <pre>{@code
 * HybridClock clock = HybridClock.system();
 * long t1 = clock.now();
 * long t2 = clock.observe(remoteHlc);   // t2 > t1 and t2 > remoteHlc
 * HybridClock.physicalMillis(t2);       // wall-clock part, ms since the epoch
 * }</pre>
 */
public final class HybridClock {

    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;

    /** The largest logical counter. */
    public static final int MAX_LOGICAL = (1 << LOGICAL_BITS) - 1;

    /** One more than the largest millisecond value a timestamp can carry (2^47). */
    public static final long MILLIS_LIMIT = 1L << (Long.SIZE - 1 - LOGICAL_BITS);

    private final LongSupplier wallMillis;
    private final AtomicLong last = new AtomicLong();

    /**
     * Creates a clock reading wall-clock milliseconds since the epoch from the supplier.
     *
     * @throws IllegalArgumentException if the supplier is null
     */
    public HybridClock(LongSupplier wallMillis) {
        if (wallMillis == null) {
            throw new IllegalArgumentException("wall clock is null: pass e.g. System::currentTimeMillis");
        }
        this.wallMillis = wallMillis;
    }

    /** Returns a clock on {@link System#currentTimeMillis()}. */
    public static HybridClock system() {
        return new HybridClock(System::currentTimeMillis);
    }

    /**
     * Returns a timestamp greater than every one this clock returned before, and at least the
     * wall clock's.
     *
     * @throws IllegalStateException if the wall clock reads outside {@code [0, 2^47)} ms, or the clock
     *     has reached the end of its range
     */
    public long now() {
        long wall = wallTimestamp();
        return last.updateAndGet(previous -> Math.max(wall, after(previous)));
    }

    /**
     * Moves this clock past a timestamp received from another site and returns the new
     * timestamp: greater than both the remote one and every one returned before, and at least
     * the wall clock's.
     *
     * @throws IllegalArgumentException if the remote timestamp is negative or the largest possible
     * @throws IllegalStateException if the wall clock reads outside {@code [0, 2^47)} ms, or the clock
     *     has reached the end of its range
     */
    public long observe(long remoteHlc) {
        if (remoteHlc < 0) {
            throw new IllegalArgumentException("remote hlc was " + remoteHlc + ", must be 0 or more");
        }
        if (remoteHlc == Long.MAX_VALUE) {
            throw new IllegalArgumentException("remote hlc was " + remoteHlc
                    + ", the end of the clock's range; no later timestamp exists");
        }
        long wall = wallTimestamp();
        return last.updateAndGet(previous -> Math.max(wall, Math.max(remoteHlc + 1, after(previous))));
    }

    private long wallTimestamp() {
        long millis = wallMillis.getAsLong();
        if (millis < 0 || millis >= MILLIS_LIMIT) {
            throw new IllegalStateException("wall clock read " + millis + " ms since the epoch, must be between 0 and "
                    + (MILLIS_LIMIT - 1) + "; check the system clock");
        }
        return millis << LOGICAL_BITS;
    }

    private static long after(long previous) {
        if (previous == Long.MAX_VALUE) {
            throw new IllegalStateException("hybrid clock reached " + previous
                    + ", the end of its range; no later timestamp exists");
        }
        return previous + 1;
    }

    /** Returns the wall-clock part of a timestamp, in ms since the epoch. */
    public static long physicalMillis(long hlc) {
        return hlc >>> LOGICAL_BITS;
    }

    /** Returns the logical counter of a timestamp. */
    public static int logical(long hlc) {
        return (int) (hlc & MAX_LOGICAL);
    }

    /**
     * Packs milliseconds and a logical counter into one timestamp.
     *
     * @throws IllegalArgumentException if millis is outside {@code [0, 2^47)} or logical outside {@code [0, 65535]}
     */
    public static long pack(long millis, int logical) {
        if (millis < 0 || millis >= MILLIS_LIMIT) {
            throw new IllegalArgumentException("hlc millis was " + millis + ", must be between 0 and "
                    + (MILLIS_LIMIT - 1));
        }
        if (logical < 0 || logical > MAX_LOGICAL) {
            throw new IllegalArgumentException("hlc logical was " + logical + ", must be between 0 and " + MAX_LOGICAL);
        }
        return (millis << LOGICAL_BITS) | logical;
    }
}
