package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @TempDir
    Path workDir;

    @Test
    void startsBrokerThatStoresAndServesRecords() throws Exception {
        long startedAt = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(workDir)) {
            System.out.printf("EmbeddedKafka start-up: %d ms%n", EmbeddedKafka.elapsedMillis(startedAt));
            kafka.createTopic("orders.changes", 3);
            kafka.createTopic("orders.changes", 3); // a second create is harmless

            try (Admin admin = kafka.newAdmin()) {
                assertThat(admin.describeTopics(List.of("orders.changes")).allTopicNames().get()
                        .get("orders.changes").partitions()).hasSize(3);
            }

            byte[] key = "orders:42".getBytes(StandardCharsets.UTF_8);
            byte[] value = "hello".getBytes(StandardCharsets.UTF_8);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("orders.changes", key, value)).get();
            }

            List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("orders.changes"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                }
            }
            assertThat(received).hasSize(1);
            assertThat(received.get(0).key()).isEqualTo(key);
            assertThat(received.get(0).value()).isEqualTo(value);
        }
        assertThat(workDir).isEmptyDirectory();
    }
}
