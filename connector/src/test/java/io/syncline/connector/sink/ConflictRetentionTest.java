package io.syncline.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.apply.Engine;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConflictRetentionTest {

    @Test
    void nothingRunsWhenEntriesAreKeptForEverWithoutLimit() {
        assertThat(ConflictRetention.start(() -> {
            throw new SQLException("never connects");
        }, Engine.POSTGRES, Optional.empty(), -1, Duration.ofSeconds(1), "a", n -> { })).isEmpty();
    }

    @Test
    void aFailedRunIsLoggedAndCountsNothing() {
        AtomicLong purged = new AtomicLong(-1);
        ConflictRetention retention = ConflictRetention.start(() -> {
            throw new SQLException("site a is unreachable");
        }, Engine.POSTGRES, Optional.of(Duration.ofDays(1)), -1, Duration.ofHours(1), "a", purged::set).orElseThrow();
        try {
            retention.runOnce();
            assertThat(purged).as("no count reported for a failed run").hasValue(-1);
        } finally {
            retention.close();
        }
    }
}
