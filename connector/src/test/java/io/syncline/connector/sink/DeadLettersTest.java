package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.record;
import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.apply.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final SiteId WEST = SiteId.of("west");

    private final ChangeEvent refused = upsert("east", 4, 12);
    private final SinkRecord carrier = record(0, 30, refused);
    private final List<Rejection> rejected = List.of(new Rejection(refused, "SQLSTATE 22001: value too long"));

    @Test
    void setsEachRefusedChangeAsideWithItsRecordAndAReasonWithoutValues() {
        List<SinkRecord> records = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        DeadLetters deadLetters = new DeadLetters(WEST, () -> (record, error) -> {
            records.add(record);
            reasons.add(error.getMessage());
            return CompletableFuture.completedFuture(null);
        });

        deadLetters.setAside(rejected, Map.of(refused, carrier)::get);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).as("keyed by the row, not by the origin").isEqualTo("public.orders/" + refused.key());
            assertThat(r.value()).isSameAs(carrier.value());
            assertThat(r.kafkaOffset()).isEqualTo(carrier.kafkaOffset());
            assertThat(r.kafkaPartition()).isEqualTo(carrier.kafkaPartition());
        });
        assertThat(reasons).containsExactly("site west refused the change of public.orders with dot east:4: "
                + "SQLSTATE 22001: value too long");
        assertThat(deadLetters.count()).isEqualTo(1);
    }

    @Test
    void aChangeTheTopicDidNotTakeMakesTheBatchRetry() {
        DeadLetters deadLetters = new DeadLetters(WEST,
                () -> (record, error) -> CompletableFuture.failedFuture(new IllegalStateException("broker down")));

        assertThatThrownBy(() -> deadLetters.setAside(rejected, Map.of(refused, carrier)::get))
                .isInstanceOf(RetriableException.class)
                .hasMessage("the dead-letter topic did not take a refused change (broker down); the batch will be "
                        + "retried");
        assertThat(deadLetters.count()).isZero();
    }

    @Test
    void withoutADeadLetterTopicNothingOfTheBatchIsWritten() {
        DeadLetters deadLetters = new DeadLetters(WEST, () -> null);

        assertThatThrownBy(() -> deadLetters.setAside(rejected, Map.of(refused, carrier)::get))
                .isInstanceOf(ConnectException.class)
                .hasMessageStartingWith("site west refused 1 change(s), e.g. public.orders key 12: SQLSTATE 22001")
                .hasMessageContaining("nothing of the batch was written");
    }
}
