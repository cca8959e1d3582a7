package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlIdentifiersTest {

    @Test
    void quotesPlainNames() {
        assertThat(SqlIdentifiers.quote("orders")).isEqualTo("\"orders\"");
        assertThat(SqlIdentifiers.quote("Order Lines")).isEqualTo("\"Order Lines\"");
        assertThat(SqlIdentifiers.quote("")).isEqualTo("\"\"");
    }

    @Test
    void doublesEmbeddedQuotes() {
        assertThat(SqlIdentifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(SqlIdentifiers.quote("\"")).isEqualTo("\"\"\"\"");
        assertThat(SqlIdentifiers.quote("x\"; DROP TABLE t; --")).isEqualTo("\"x\"\"; DROP TABLE t; --\"");
    }

    @Test
    void leavesOtherCharactersAlone() {
        assertThat(SqlIdentifiers.quote("it's")).isEqualTo("\"it's\"");
        assertThat(SqlIdentifiers.quote("Zürich_東京")).isEqualTo("\"Zürich_東京\"");
    }

    @Test
    void refusesNul() {
        assertThatThrownBy(() -> SqlIdentifiers.quote("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }
}
