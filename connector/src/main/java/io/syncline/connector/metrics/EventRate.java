package io.syncline.connector.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Events per second, exponentially weighted over time: each event counts {@code 1/tau} at first
 * and fades with {@code e^(-age/tau)}, so a steady rate R reads R after a few {@code tau}, and an
 * idle stream decays to 0. Time comes from an injected nanosecond ticker.
 */
final class EventRate {

    private final LongSupplier nanoTime;
    private final double tauNanos;
    private double rate;
    private long lastNanos;

    EventRate(LongSupplier nanoTime, Duration tau) {
        if (tau.isNegative() || tau.isZero()) {
            throw new IllegalArgumentException("tau was " + tau + ", must be positive");
        }
        this.nanoTime = nanoTime;
        this.tauNanos = tau.toNanos();
        this.lastNanos = nanoTime.getAsLong();
    }

    synchronized void record(long events) {
        decay();
        rate += events * 1e9 / tauNanos;
    }

    /** Events per second now. */
    synchronized double perSecond() {
        decay();
        return rate;
    }

    private void decay() {
        long now = nanoTime.getAsLong();
        long elapsed = now - lastNanos;
        if (elapsed > 0) {
            rate *= Math.exp(-elapsed / tauNanos);
            lastNanos = now;
        }
    }
}
