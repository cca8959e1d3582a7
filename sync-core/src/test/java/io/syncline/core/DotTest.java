package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DotTest {

    private static final SiteId EAST = SiteId.of("east");

    @Test
    void keyIsOriginColonSequence() {
        Dot dot = new Dot(EAST, 42);
        assertThat(dot.key()).isEqualTo("east:42");
        assertThat(dot).hasToString("east:42");
    }

    @Test
    void parseInvertsKey() {
        Dot dot = new Dot(EAST, Long.MAX_VALUE);
        assertThat(Dot.parse(dot.key())).isEqualTo(dot);
        assertThat(Dot.parse("a:1")).isEqualTo(new Dot(SiteId.of("a"), 1));
    }

    @Test
    void rejectsSequenceBelowOne() {
        assertThatThrownBy(() -> new Dot(EAST, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dot sequence for site 'east' was 0, must be 1 or more");
        assertThatThrownBy(() -> new Dot(EAST, -5)).hasMessageContaining("was -5");
    }

    @Test
    void rejectsNullOrigin() {
        assertThatThrownBy(() -> new Dot(null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dot origin is null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "east", "east:", ":1", "east:0", "east:-1", "east:+1", "east:01", "east:1x",
        "East:1", "east:1:2", "east:9223372036854775808", "east: 1"})
    void parseRejectsBadKeysNamingThem(String key) {
        assertThatThrownBy(() -> Dot.parse(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dot key '" + key + "' is invalid: ");
    }

    @Test
    void parseRejectsNull() {
        assertThatThrownBy(() -> Dot.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
