package io.syncline.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waiting for a condition with a deadline: poll, pause briefly, give up with a message that says
 * what was awaited and what was last seen.
 *
 * <pre>{@code
 * Deadlines.await("site b has 10 rows", Duration.ofSeconds(30), () -> count(b) == 10, () -> "rows: " + count(b));
 * }</pre>
 */
public final class Deadlines {

    /** A condition that may throw while it is checked. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Deadlines() {
    }

    /**
     * Checks {@code condition} every 100 ms until it holds. A checked exception from the check
     * counts as "not yet" (e.g. a server still starting); an unchecked one ends the wait.
     *
     * @throws IllegalStateException when it still does not hold after {@code timeout}
     */
    public static void await(String what, Duration timeout, Condition condition, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
                lastFailure = null;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() > deadline) {
                IllegalStateException timeoutFailure = new IllegalStateException("timed out after "
                        + timeout.toMillis() + " ms waiting until " + what + "; last seen: " + lastSeen.get());
                if (lastFailure != null) {
                    timeoutFailure.addSuppressed(lastFailure);
                }
                throw timeoutFailure;
            }
            pause(Duration.ofMillis(100));
        }
    }

    /** Pauses between two polls; an interrupt is kept and ends the pause. */
    public static void pause(Duration interval) {
        try {
            TimeUnit.NANOSECONDS.sleep(interval.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
