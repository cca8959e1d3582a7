package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PostgreSQL to MariaDB: unconstrained numeric into decimal(65,30), timestamptz into TIMESTAMP(6) (UTC). */
class PostgresToMariaDbTypesIT extends TypeFidelityIT {

    @Override
    String sourceEngine() {
        return "postgres";
    }

    @Override
    String targetEngine() {
        return "mariadb";
    }

    @Test
    void valuesMariaDbCannotHoldExactlyAreDeadLetteredWithColumnAndReason() throws Exception {
        Map<Integer, Map<String, Object>> refused = new LinkedHashMap<>();
        refused.put(102, only("c_num", new BigDecimal("1.0000000000000000000000000000001")));
        refused.put(103, only("c_tstz", Instant.parse("9999-12-31T23:59:59.999999Z")));
        Map<String, String> reasons = refusedAtB(refused, 110);
        System.out.println("PostgresToMariaDbTypesIT refusals: " + reasons);
        assertThat(reasons.keySet()).containsExactlyInAnyOrder("102", "103");
        assertThat(reasons.get("102")).contains("SQLSTATE 22003").contains("c_num").contains("rounded");
        assertThat(reasons.get("103")).contains("SQLSTATE 22007").contains("c_tstz");
        for (String reason : reasons.values()) {
            assertThat(reason).as("the value stays out of the reason").doesNotContain("9999-12-31")
                    .doesNotContain("1.0000000000000000000000000000001");
        }
    }
}
