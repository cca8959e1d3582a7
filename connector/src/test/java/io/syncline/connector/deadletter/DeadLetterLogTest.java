package io.syncline.connector.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterLogTest {

    private static final ChangeEnvelopeCodec CODEC = new ChangeEnvelopeCodec();

    static ChangeEvent event() {
        SiteId a = new SiteId("a");
        return new ChangeEvent("public.widening", "1", ChangeEvent.Op.UPSERT, List.of("id"),
                Map.of("id", ColumnValue.of(1L), "code", ColumnValue.of("secret value")),
                VersionVector.of(Map.of(a, 3L)), new Dot(a, 3), 42L, 1_000L, "");
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("g.dlq.b", 0, 7, "public.widening/1"
                .getBytes(StandardCharsets.UTF_8), value);
        r.headers().add("__connect.errors.exception.message", "site b refused the change [SQLSTATE 22001]"
                .getBytes(StandardCharsets.UTF_8));
        r.headers().add("__connect.errors.topic", "g.changes".getBytes(StandardCharsets.UTF_8));
        r.headers().add("__connect.errors.partition", "2".getBytes(StandardCharsets.UTF_8));
        r.headers().add("__connect.errors.offset", "not a number".getBytes(StandardCharsets.UTF_8));
        return r;
    }

    @Test
    void aChangeEnvelopeIsReadWithTheReasonAndWhereItCameFrom() {
        DeadLetterLog.DeadLetter d = DeadLetterLog.read(CODEC, record(CODEC.encode(event())));
        assertThat(d.recordKey()).isEqualTo("public.widening/1");
        assertThat(d.reason()).contains("SQLSTATE 22001");
        assertThat(d.sourceTopic()).isEqualTo("g.changes");
        assertThat(d.sourcePartition()).isEqualTo(2L);
        assertThat(d.sourceOffset()).as("an unreadable header is left out").isNull();
        assertThat(d.change()).contains(event());
        assertThat(d.unreadable()).isNull();
    }

    @Test
    void aRecordThatIsNoEnvelopeSaysWhy() {
        DeadLetterLog.DeadLetter d = DeadLetterLog.read(CODEC, record("garbage".getBytes(StandardCharsets.UTF_8)));
        assertThat(d.change()).isEmpty();
        assertThat(d.unreadable()).startsWith("not a change envelope");
    }

    @Test
    void kafkaSettingsKeepOnlyTheWorkersClientSecurity() {
        KafkaSettings k = KafkaSettings.fromWorkerConfig(Map.of("bootstrap.servers", "k1:9092", "security.protocol",
                "SASL_SSL", "sasl.mechanism", "PLAIN", "group.id", "connect-cluster", "offset.storage.topic", "o"));
        assertThat(k.bootstrapServers()).isEqualTo("k1:9092");
        assertThat(k.consumer()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("enable.auto.commit", "false").doesNotContainKey("group.id")
                .doesNotContainKey("offset.storage.topic");
        assertThatThrownBy(() -> KafkaSettings.fromWorkerConfig(Map.of())).hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> KafkaSettings.of(" ")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> new DeadLetterLog(k).newest("t", 0, Duration.ofSeconds(1)))
                .hasMessageContaining("limit was 0");
    }
}
