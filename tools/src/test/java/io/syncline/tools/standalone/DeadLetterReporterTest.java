package io.syncline.tools.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class DeadLetterReporterTest {

    private static final SinkRecord RECORD = new SinkRecord("orders.changes", 2, Schema.OPTIONAL_STRING_SCHEMA,
            "public.orders/7", Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {1, 2, 3}, 41L);

    @Test
    void sendsTheOriginalRecordWithTheReasonAndCompletesOnceSent() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        DeadLetterReporter reporter = new DeadLetterReporter(producer, "orders.dlq.east", true);

        Future<Void> done = reporter.report(RECORD, new DataException("value too long for type character varying(3)"));

        assertThat(done).isNotDone();
        producer.completeNext();
        assertThat(done).isDone();
        done.get();
        ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo("orders.dlq.east");
        assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("public.orders/7");
        assertThat(sent.value()).containsExactly(1, 2, 3);
        Map<String, String> headers = new HashMap<>();
        for (Header header : sent.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry("__connect.errors.topic", "orders.changes")
                .containsEntry("__connect.errors.partition", "2")
                .containsEntry("__connect.errors.offset", "41")
                .containsEntry("__connect.errors.exception.class.name", DataException.class.getName())
                .containsEntry("__connect.errors.exception.message", "value too long for type character varying(3)");
    }

    @Test
    void aFailedSendFailsTheFutureSoTheBatchIsRetried() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        Future<Void> done = new DeadLetterReporter(producer, "dlq", false).report(RECORD, new DataException("x"));

        producer.errorNext(new TimeoutException("broker down"));

        assertThat(done).failsWithin(Duration.ZERO);
        assertThat(producer.history().get(0).headers().toArray()).isEmpty();
    }

    @Test
    void withoutADeadLetterTopicTheRecordIsOnlyLogged() {
        assertThat(new DeadLetterReporter(null, null, false).report(RECORD, new DataException("x"))).isDone();
    }
}
