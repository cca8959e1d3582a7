package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MariaDB to PostgreSQL: tinyint(1) arrives as boolean, unsigned bigint as numeric(20,0), JSON as jsonb. */
class MariaDbToPostgresTypesIT extends TypeFidelityIT {

    @Override
    String sourceEngine() {
        return "mariadb";
    }

    @Override
    String targetEngine() {
        return "postgres";
    }

    @Test
    void textPostgresCannotHoldIsDeadLetteredWithItsReason() throws Exception {
        Map<Integer, Map<String, Object>> refused = new LinkedHashMap<>();
        refused.put(201, only("c_text", "before\0after"));
        Map<String, String> reasons = refusedAtB(refused, 210);
        System.out.println("MariaDbToPostgresTypesIT refusals: " + reasons);
        assertThat(reasons.keySet()).containsExactly("201");
        assertThat(reasons.get("201")).contains("SQLSTATE 22").doesNotContain("before").doesNotContain("after");
    }
}
