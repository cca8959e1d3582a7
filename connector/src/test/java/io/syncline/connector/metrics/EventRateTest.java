package io.syncline.connector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventRateTest {

    private final AtomicLong nanos = new AtomicLong();
    private final EventRate rate = new EventRate(nanos::get, Duration.ofSeconds(10));

    @Test
    void aSteadyRateReadsAsThatRate() {
        // 50 events every 100 ms = 500/s, for a minute (six time constants).
        for (int i = 0; i < 600; i++) {
            nanos.addAndGet(100_000_000L);
            rate.record(50);
        }
        assertThat(rate.perSecond()).isCloseTo(500, within(500 * 0.03));
    }

    @Test
    void anIdleStreamDecaysToZero() {
        rate.record(1000);
        double at = rate.perSecond();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(rate.perSecond()).isCloseTo(at / Math.E, within(1e-9));
        nanos.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(rate.perSecond()).isLessThan(1e-6);
    }

    @Test
    void nothingRecordedReadsZero() {
        nanos.addAndGet(1_000_000_000L);
        assertThat(rate.perSecond()).isZero();
    }

    @Test
    void tauMustBePositive() {
        assertThatThrownBy(() -> new EventRate(nanos::get, Duration.ZERO))
                .hasMessageContaining("tau was PT0S, must be positive");
    }
}
