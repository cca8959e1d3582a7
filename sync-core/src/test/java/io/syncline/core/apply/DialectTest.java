package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.site.TableRef;
import org.junit.jupiter.api.Test;

class DialectTest {

    @Test
    void theUrlChoosesTheEngine() {
        assertThat(Engine.forJdbcUrl("jdbc:postgresql://localhost:5432/app").dialect().name()).isEqualTo("postgres");
        assertThatThrownBy(() -> Engine.forJdbcUrl("jdbc:oracle:thin:@db?password=secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:oracle:thin:@db")
                .hasMessageNotContaining("secret");
    }

    @Test
    void postgresQuotesWithDoubleQuotes() {
        Dialect pg = Dialect.postgres();
        assertThat(pg.quote("we\"ird")).isEqualTo("\"we\"\"ird\"");
        assertThat(pg.quote(TableRef.parse("public.orders"))).isEqualTo("\"public\".\"orders\"");
    }
}
