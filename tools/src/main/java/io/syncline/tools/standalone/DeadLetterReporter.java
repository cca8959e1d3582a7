package io.syncline.tools.standalone;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Connect's {@code errors.tolerance=all} gives a sink task, without Connect: a refused record
 * goes, with its original key and value, to the dead-letter topic
 * ({@code errors.deadletterqueue.topic.name}), with the reason in Connect's {@code __connect.errors.*}
 * headers when {@code errors.deadletterqueue.context.headers.enable=true}; without a topic it is
 * only logged. The returned future completes when the topic has the record.
 */
final class DeadLetterReporter implements ErrantRecordReporter {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReporter.class);
    private static final String PREFIX = "__connect.errors.";

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final boolean contextHeaders;

    /** @param producer null when there is no dead-letter topic (records are only logged) */
    DeadLetterReporter(Producer<byte[], byte[]> producer, String topic, boolean contextHeaders) {
        this.producer = producer;
        this.topic = topic;
        this.contextHeaders = contextHeaders;
    }

    @Override
    public Future<Void> report(SinkRecord record, Throwable error) {
        if (producer == null) {
            LOG.warn("Record {}-{}@{} is skipped (errors.tolerance=all, no dead-letter topic): {}", record.topic(),
                    record.kafkaPartition(), record.kafkaOffset(), error.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        RecordHeaders headers = new RecordHeaders();
        if (contextHeaders) {
            header(headers, "topic", record.topic());
            header(headers, "partition", String.valueOf(record.kafkaPartition()));
            header(headers, "offset", String.valueOf(record.kafkaOffset()));
            header(headers, "exception.class.name", error.getClass().getName());
            header(headers, "exception.message", String.valueOf(error.getMessage()));
        }
        byte[] key = record.key() == null ? null : record.key().toString().getBytes(StandardCharsets.UTF_8);
        byte[] value = record.value() instanceof byte[] bytes ? bytes : null;
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, failure) -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        });
        return done;
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
    }
}
