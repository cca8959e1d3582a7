package io.syncline.tools.cli;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.EnvelopeFormatException;
import io.syncline.core.SyncGroupNames;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code syncline replay}: puts the changes a site set aside on its dead-letter topic back on the
 * changes topic, e.g. after the schema change that makes them fit reached that site. Safe to run any
 * number of times: every site skips a version it already holds or that a newer one dominates.
 */
final class ReplayCommand {

    static final String HELP = """
            Usage: syncline replay --kafka HOST:PORT --group NAME --site ID [--topic DLQ_TOPIC]

            Reads the dead-letter topic of a site's sink (default <group>.dlq.<site>, as in the samples) from its
            start to its current end and produces every change envelope on it again to <group>.changes, with its
            original key (so it lands in the same partition, after the row's newer versions). Records that are
            not change envelopes stay where they are. Every site applies a replayed change only if it does not
            hold that version or a newer one yet, so replaying twice, or a change another site had applied,
            changes nothing; a change the site still refuses goes to its dead-letter topic again.

              --kafka HOST:PORT  the Kafka bootstrap servers
              --group NAME       the sync group (its changes topic is <group>.changes)
              --site ID          the site whose dead-letter topic to replay
              --topic NAME       the dead-letter topic, if not <group>.dlq.<site>

            Exit codes: 0 replayed, 2 wrong command line, 3 failed
            """;

    private final PrintStream out;

    ReplayCommand(PrintStream out) {
        this.out = out;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("kafka", "group", "site", "topic"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        for (String required : List.of("kafka", "group", "site")) {
            if (!line.has(required)) {
                throw new CommandLine.UsageException("--" + required + " is required");
            }
        }
        SyncGroupNames names = SyncGroupNames.of(line.get("group", ""));
        String dlq = line.get("topic", names.deadLetterTopic(line.get("site", "")));
        String changes = names.changesTopic();
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, line.get("kafka", ""));
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, line.get("kafka", ""));
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
        long replayed = 0;
        long left = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(30)).get(dlq);
            if (infos == null || infos.isEmpty()) {
                out.println("replayed 0 changes: topic " + dlq + " does not exist (nothing was set aside)");
                return ExitCode.OK;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(dlq, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    byte[] change;
                    try {
                        // Replayed alone, outside its source transaction (whose other changes were applied).
                        change = codec.encode(codec.decode(r.value()));
                    } catch (EnvelopeFormatException e) {
                        left++;
                        continue;
                    }
                    producer.send(new ProducerRecord<>(changes, r.key(), change)).get();
                    replayed++;
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + dlq, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not take a replayed change: " + e.getCause().getMessage(), e);
        }
        out.println("replayed " + replayed + " changes from " + dlq + " onto " + changes + " (" + left
                + " records that are not change envelopes left alone)");
        return ExitCode.OK;
    }
}
