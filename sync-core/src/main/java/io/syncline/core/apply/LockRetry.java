package io.syncline.core.apply;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs an apply transaction again, after a short randomised pause, when it lost a lock contention
 * (a lock wait timed out or was refused, a deadlock, a serialization failure): the apply yields to
 * the application's writes and tries again, and since a failed attempt was rolled back whole (its
 * offsets with it), nothing is lost or written twice. After {@code attempts} tries the failure is
 * the caller's (a transient one: the sink task retries the batch later).
 *
 * <pre>{@code
 * LockRetry retry = new LockRetry(20, Duration.ofMillis(5), Duration.ofMillis(200), LockRetry.Pause.SLEEP);
 * BatchOutcome outcome = retry.run(dialect::isLockContention, () -> applyOnce(...));
 * }</pre>
 *
 * @param attempts how many times a transaction is tried at most, at least 1
 * @param firstPause the pause after the first failure, doubled after each further one
 * @param maxPause the longest pause
 * @param pause how a pause is taken (a test passes its own)
 */
record LockRetry(int attempts, Duration firstPause, Duration maxPause, Pause pause) {

    /** The apply's policy: up to 30 tries, pauses from 5 ms doubling up to 200 ms (about 4 s in all). */
    static final LockRetry APPLY = new LockRetry(30, Duration.ofMillis(5), Duration.ofMillis(200), Pause.SLEEP);

    LockRetry {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts was " + attempts + ", must be at least 1");
        }
        if (firstPause.isNegative() || maxPause.compareTo(firstPause) < 0) {
            throw new IllegalArgumentException("pauses were " + firstPause + " to " + maxPause
                    + ", must be non-negative and the first no longer than the longest");
        }
    }

    /** Takes a pause. */
    @FunctionalInterface
    interface Pause {
        Pause SLEEP = millis -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to retry an apply", e);
            }
        };

        void take(long millis);
    }

    /** An attempt: one whole transaction, rolled back on failure. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws SQLException;
    }

    /** Tells a lost lock contention from other failures. */
    @FunctionalInterface
    interface Contention {
        boolean lost(SQLException e);
    }

    /**
     * Runs {@code attempt} until it succeeds, fails otherwise, or has failed for lock contention
     * {@link #attempts} times; adds each retry to {@code retries}.
     */
    <T> T run(Contention contention, AtomicLong retries, Attempt<T> attempt) throws SQLException {
        for (int tried = 1;; tried++) {
            try {
                return attempt.run();
            } catch (SQLException e) {
                if (tried >= attempts || !contention.lost(e)) {
                    throw e;
                }
                retries.incrementAndGet();
                pause.take(pauseMillis(tried));
            }
        }
    }

    /** The pause after the {@code failures}-th failure: exponential, capped, with full jitter from half of it. */
    long pauseMillis(int failures) {
        long base = firstPause.toMillis() << Math.min(failures - 1, 20);
        long capped = Math.min(maxPause.toMillis(), base);
        long half = capped / 2;
        return half + (capped - half == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped - half + 1));
    }
}
