package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRangeTest {

    @Test
    void noBoundaryIsOneRangeOverEveryKey() {
        assertThat(KeyRange.between(List.of())).containsExactly(KeyRange.ALL);
        assertThat(KeyRange.ALL.lower()).isNull();
        assertThat(KeyRange.ALL.upper()).isNull();
    }

    @Test
    void boundariesCutOpenRangesAtBothEndsAndHalfOpenOnesBetween() {
        List<KeyRange> ranges = KeyRange.between(List.of(List.of("10001"), List.of("20001")));
        assertThat(ranges).containsExactly(
                new KeyRange(null, List.of("10001")),
                new KeyRange(List.of("10001"), List.of("20001")),
                new KeyRange(List.of("20001"), null));
        assertThat(ranges).extracting(KeyRange::toString)
                .containsExactly("(-inf, 10001)", "[10001, 20001)", "[20001, +inf)");
    }

    @Test
    void eachBoundaryIsTheUpperBoundOfOneRangeAndTheLowerOfTheNext() {
        List<List<String>> boundaries = List.of(List.of("1", "a"), List.of("1", "b,c"), List.of("2", ""));
        List<KeyRange> ranges = KeyRange.between(boundaries);
        assertThat(ranges).hasSize(boundaries.size() + 1);
        for (int i = 0; i < boundaries.size(); i++) {
            assertThat(ranges.get(i).upper()).isEqualTo(boundaries.get(i));
            assertThat(ranges.get(i + 1).lower()).isEqualTo(boundaries.get(i));
        }
        assertThat(ranges.get(0).lower()).isNull();
        assertThat(ranges.get(ranges.size() - 1).upper()).isNull();
    }

    @Test
    void boundsOfDifferentKeyWidthsAreRefused() {
        assertThatThrownBy(() -> KeyRange.between(List.of(List.of("1"), List.of("2", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, x]");
        assertThatThrownBy(() -> new KeyRange(List.of("1"), List.of("2", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
