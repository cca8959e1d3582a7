package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.record;
import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class EnvelopeReaderTest {

    @Test
    void readsTheChangeARecordCarries() {
        ChangeEvent event = upsert("east", 3, 7);
        assertThat(new EnvelopeReader(() -> null).read(record(0, 1, event))).contains(event);
    }

    @Test
    void aRecordThatIsNoEnvelopeGoesToTheDeadLetterTopic() {
        List<SinkRecord> reported = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        EnvelopeReader reader = new EnvelopeReader(() -> (record, error) -> {
            reported.add(record);
            reasons.add(error.getMessage());
            return CompletableFuture.completedFuture(null);
        });
        SinkRecord text = record(2, 9, "some text");

        assertThat(reader.read(text)).isEmpty();
        assertThat(reported).containsExactly(text);
        assertThat(reasons.get(0)).contains("record value is String").contains("ByteArrayConverter");
        assertThat(reader.read(record(2, 10, new byte[] {1, 2, 3}))).isEmpty();
        assertThat(reported).hasSize(2);
    }

    @Test
    void withoutADeadLetterTopicAnUnreadableRecordStopsTheTask() {
        assertThatThrownBy(() -> new EnvelopeReader(() -> null).read(record(1, 42, (Object) null)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("record at orders.changes-1@42 cannot be read: record value is null")
                .hasMessageContaining("configure errors.tolerance=all");
    }
}
