package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SiteIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "east", "eu-west_2", "0", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsValidIds(String value) {
        assertThat(SiteId.of(value).value()).isEqualTo(value);
        assertThat(SiteId.of(value)).hasToString(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "East", "east!", "a b", "a:b", "a,b", "é", "abcdefghijklmnopqrstuvwxyz0123456"})
    void rejectsInvalidIdsNamingTheValue(String value) {
        assertThatThrownBy(() -> SiteId.of(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("site id '" + value + "' is invalid: use 1 to 32 characters of a-z, 0-9, _ or -");
    }

    @Test
    void messageMatchesTheDocumentedExample() {
        assertThatThrownBy(() -> SiteId.of("East!"))
                .hasMessage("site id 'East!' is invalid: use 1 to 32 characters of a-z, 0-9, _ or -");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> SiteId.of(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("site id is null");
    }

    @Test
    void ordersByPlainStringComparison() {
        assertThat(SiteId.of("a")).isLessThan(SiteId.of("b"));
        assertThat(SiteId.of("a-1")).isLessThan(SiteId.of("a1"));
        assertThat(SiteId.of("a1")).isLessThan(SiteId.of("a_1"));
        assertThat(SiteId.of("east").compareTo(SiteId.of("east"))).isZero();
    }

    @Test
    void equalityIsByValue() {
        assertThat(SiteId.of("east")).isEqualTo(new SiteId("east")).hasSameHashCodeAs(new SiteId("east"));
    }
}
