package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ChangeEvent;
import io.syncline.core.apply.Rejection;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentDotsTest {

    @Test
    void remembersTheDotsOfAppliedChangesButNotOfRefusedOnes() {
        RecentDots dots = new RecentDots(100);
        ChangeEvent applied = upsert("east", 1, 1);
        ChangeEvent refused = upsert("east", 2, 2);
        // The rejection names the change as the applier saw it (fitted: another instance, the same dot).
        ChangeEvent refusedAsFitted = upsert("east", 2, 2);

        dots.rememberApplied(List.of(applied, refused), List.of(new Rejection(refusedAsFitted, "SQLSTATE 22001")));

        assertThat(dots.contains(applied.dot())).isTrue();
        assertThat(dots.contains(refused.dot())).as("a replay of a refused change must reach the site").isFalse();
        assertThat(dots.contains(upsert("north", 1, 1).dot())).isFalse();
    }

    @Test
    void refusesANegativeSize() {
        assertThatThrownBy(() -> new RecentDots(-1)).hasMessage("maximumSize was -1, must be >= 0");
    }
}
