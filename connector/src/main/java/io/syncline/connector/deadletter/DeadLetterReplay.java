package io.syncline.connector.deadletter;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.EnvelopeFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Puts the changes a site set aside on its dead-letter topic back on the changes topic, e.g. after
 * the schema change that makes them fit reached that site: every change envelope on the topic, from
 * its start to its current end, with its original key (so it lands in the same partition, after the
 * row's newer versions). Records that are not change envelopes stay where they are. Safe to run any
 * number of times: every site applies a replayed change only if it does not hold that version or a
 * newer one yet. Used by {@code syncline replay} and {@code POST /syncline/deadletters/replay}.
 *
 * <pre>{@code
 * DeadLetterReplay.Result r = new DeadLetterReplay(KafkaSettings.of("localhost:9092"))
 *         .replay("orders.dlq.east", "orders.changes", Duration.ofMinutes(1));
 * System.out.println(r.replayed() + " replayed");
 * }</pre>
 */
public final class DeadLetterReplay {

    /**
     * What a replay did: {@code topicExists} false when nothing was ever set aside; {@code left}
     * counts records that are not change envelopes.
     */
    public record Result(String deadLetterTopic, String changesTopic, boolean topicExists, long replayed, long left) {
    }

    private final KafkaSettings kafka;

    public DeadLetterReplay(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /**
     * Replays every change envelope on {@code deadLetterTopic} onto {@code changesTopic}.
     *
     * @throws IllegalStateException when Kafka does not take a change or the topic is not read within
     *     {@code deadline}; what was produced before stays (replaying again is harmless)
     */
    public Result replay(String deadLetterTopic, String changesTopic, Duration deadline) {
        ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
        long[] left = {0};
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer())) {
            boolean exists = TopicScan.scan(consumer, deadLetterTopic, deadline, (ConsumerRecord<byte[], byte[]> r) -> {
                byte[] change;
                try {
                    // Replayed alone, outside its source transaction (whose other changes were applied).
                    change = codec.encode(codec.decode(r.value()));
                } catch (EnvelopeFormatException e) {
                    left[0]++;
                    return;
                }
                sent.add(producer.send(new ProducerRecord<>(changesTopic, r.key(), change)));
            });
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            return new Result(deadLetterTopic, changesTopic, exists, sent.size(), left[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + deadLetterTopic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not take a replayed change: " + e.getCause().getMessage(), e);
        }
    }
}
