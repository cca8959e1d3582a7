package io.syncline.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class EpochClaimsTest {

    private static final TopicPartition P0 = new TopicPartition("orders.changes", 0);
    private static final TopicPartition P1 = new TopicPartition("orders.changes", 1);

    private final List<String> claims = new ArrayList<>();
    private final EpochClaims epochs = new EpochClaims((tp, epoch) -> claims.add(tp.partition() + "@" + epoch));

    @Test
    void claimsEachNewerEpochOnceBeforeItsFirstBatch() throws Exception {
        epochs.claimNew(Map.of(P0, 3L));
        epochs.claimNew(Map.of(P0, 3L));
        epochs.claimNew(Map.of(P0, 2L));
        epochs.claimNew(Map.of(P0, 4L, P1, 1L));

        assertThat(claims).containsExactlyInAnyOrder("0@3", "0@4", "1@1");
    }

    @Test
    void aForgottenPartitionIsClaimedAgain() throws Exception {
        epochs.claimNew(Map.of(P0, 5L, P1, 5L));
        epochs.forget(List.of(P0));
        epochs.claimNew(Map.of(P0, 5L, P1, 5L));

        assertThat(claims).containsExactlyInAnyOrder("0@5", "1@5", "0@5");
    }

    @Test
    void aFailedClaimIsTriedAgainNextTime() throws Exception {
        boolean[] fail = {true};
        EpochClaims flaky = new EpochClaims((tp, epoch) -> {
            if (fail[0]) {
                throw new SQLException("connection lost", "08006");
            }
            claims.add(tp.partition() + "@" + epoch);
        });
        assertThatThrownBy(() -> flaky.claimNew(Map.of(P0, 1L))).isInstanceOf(SQLException.class);
        fail[0] = false;
        flaky.claimNew(Map.of(P0, 1L));

        assertThat(claims).containsExactly("0@1");
    }
}
