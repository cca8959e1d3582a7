package io.syncline.connector.deadletter;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.EnvelopeFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/**
 * Reads a site's dead-letter topic: each refused change with the reason Connect's error headers
 * carry ({@code __connect.errors.*}: the site, table, dot and the database's message, never the row's
 * values) and the change itself when the record is a change envelope. Reads without a consumer group
 * and commits nothing.
 *
 * <pre>{@code
 * DeadLetterLog.Listing dead = new DeadLetterLog(KafkaSettings.of("localhost:9092"))
 *         .newest("orders.dlq.east", 100, Duration.ofSeconds(30));
 * dead.letters().forEach(d -> System.out.println(d.recordKey() + ": " + d.reason()));
 * }</pre>
 */
public final class DeadLetterLog {

    static final String ERROR_HEADER_PREFIX = "__connect.errors.";

    /**
     * One record of the topic. {@code change} is empty when the record is no change envelope, and
     * {@code unreadable} then says why; the source position is where the record was on the changes topic.
     */
    public record DeadLetter(int partition, long offset, long timestamp, String recordKey, String reason,
            String exceptionClass, String sourceTopic, Long sourcePartition, Long sourceOffset,
            Optional<ChangeEvent> change, String unreadable) {
    }

    /** The newest records of the topic (oldest first) and how many it holds in all. */
    public record Listing(String topic, boolean topicExists, long total, List<DeadLetter> letters) {
    }

    private final KafkaSettings kafka;

    public DeadLetterLog(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /** The newest {@code limit} records of {@code topic}, up to its end now, oldest first. */
    public Listing newest(String topic, int limit, Duration deadline) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit was " + limit + ", must be at least 1");
        }
        ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
        Deque<DeadLetter> newest = new ArrayDeque<>();
        long[] total = {0};
        boolean exists;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer())) {
            exists = TopicScan.scan(consumer, topic, deadline, r -> {
                total[0]++;
                newest.addLast(read(codec, r));
                if (newest.size() > limit) {
                    newest.removeFirst();
                }
            });
        }
        List<DeadLetter> letters = new ArrayList<>(newest);
        letters.sort((x, y) -> x.timestamp() != y.timestamp() ? Long.compare(x.timestamp(), y.timestamp())
                : x.partition() != y.partition() ? Integer.compare(x.partition(), y.partition())
                : Long.compare(x.offset(), y.offset()));
        return new Listing(topic, exists, total[0], letters);
    }

    static DeadLetter read(ChangeEnvelopeCodec codec, ConsumerRecord<byte[], byte[]> r) {
        Optional<ChangeEvent> change = Optional.empty();
        String unreadable = null;
        try {
            change = Optional.of(codec.decode(r.value()));
        } catch (EnvelopeFormatException e) {
            unreadable = "not a change envelope: " + e.getMessage();
        }
        return new DeadLetter(r.partition(), r.offset(), r.timestamp(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                header(r, "exception.message"), header(r, "exception.class.name"), header(r, "topic"),
                number(header(r, "partition")), number(header(r, "offset")), change, unreadable);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(ERROR_HEADER_PREFIX + name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Long number(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
