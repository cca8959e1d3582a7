package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LockRetryTest {

    private final List<Long> pauses = new ArrayList<>();
    private final LockRetry retry = new LockRetry(4, Duration.ofMillis(10), Duration.ofMillis(25), pauses::add);
    private final LockRetry.Contention deadlock = e -> "40P01".equals(e.getSQLState());

    @Test
    void aLostContentionIsRunAgainAfterAPauseAndCounted() throws SQLException {
        AtomicInteger tries = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        String result = retry.run(deadlock, retries, () -> {
            if (tries.incrementAndGet() < 3) {
                throw new SQLException("deadlock detected", "40P01");
            }
            return "committed";
        });
        assertThat(result).isEqualTo("committed");
        assertThat(retries).hasValue(2);
        assertThat(pauses).hasSize(2);
        assertThat(pauses.get(0)).isBetween(5L, 10L);
        assertThat(pauses.get(1)).isBetween(10L, 20L);
    }

    @Test
    void pausesGrowUpToTheLongest() {
        for (int failures = 1; failures < 40; failures++) {
            assertThat(retry.pauseMillis(failures)).isBetween(0L, 25L);
        }
        assertThat(retry.pauseMillis(30)).isBetween(12L, 25L);
    }

    @Test
    void otherFailuresAndTheLastAttemptAreTheCallers() {
        AtomicLong retries = new AtomicLong();
        assertThatThrownBy(() -> retry.run(deadlock, retries, () -> {
            throw new SQLException("unique violation", "23505");
        })).hasMessage("unique violation");
        assertThat(retries).hasValue(0);

        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(deadlock, retries, () -> {
            tries.incrementAndGet();
            throw new SQLException("deadlock detected", "40P01");
        })).hasMessage("deadlock detected");
        assertThat(tries).hasValue(4);
        assertThat(retries).hasValue(3);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new LockRetry(0, Duration.ZERO, Duration.ZERO, LockRetry.Pause.SLEEP))
                .hasMessageContaining("attempts was 0");
        assertThatThrownBy(() -> new LockRetry(1, Duration.ofMillis(5), Duration.ofMillis(1), LockRetry.Pause.SLEEP))
                .hasMessageContaining("pauses were");
    }
}
