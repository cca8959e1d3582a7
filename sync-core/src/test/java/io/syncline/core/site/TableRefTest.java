package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableRefTest {

    @Test
    void parseWithoutSchemaMeansPublic() {
        assertThat(TableRef.parse("orders")).isEqualTo(new TableRef("public", "orders"));
        assertThat(TableRef.parse("  orders ")).isEqualTo(new TableRef("public", "orders"));
    }

    @Test
    void parseSplitsAtTheFirstDot() {
        assertThat(TableRef.parse("sales.orders")).isEqualTo(new TableRef("sales", "orders"));
        assertThat(TableRef.parse("sales.orders.v2")).isEqualTo(new TableRef("sales", "orders.v2"));
    }

    @Test
    void toStringIsTheWireName() {
        assertThat(TableRef.parse("sales.orders")).hasToString("sales.orders");
        assertThat(TableRef.parse("orders")).hasToString("public.orders");
    }

    @Test
    void quotedQuotesEveryPart() {
        assertThat(TableRef.parse("sales.orders").quoted()).isEqualTo("\"sales\".\"orders\"");
        assertThat(new TableRef("My Schema", "a\"b").quoted()).isEqualTo("\"My Schema\".\"a\"\"b\"");
        assertThat(TableRef.parse("s.a.b").quoted()).isEqualTo("\"s\".\"a.b\"");
    }

    @Test
    void emptyPartsAreRefusedNamingTheTable() {
        assertThatThrownBy(() -> TableRef.parse(".orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'.orders'");
        assertThatThrownBy(() -> TableRef.parse("sales."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sales.'");
        assertThatThrownBy(() -> TableRef.parse(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableRef.parse("   "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> TableRef.parse(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TableRef(null, "t")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TableRef("s", null)).isInstanceOf(NullPointerException.class);
    }
}
