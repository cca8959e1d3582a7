package io.syncline.tools.cli;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.EnvelopeFormatException;
import io.syncline.core.SyncGroupNames;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code syncline changes}: prints the changes topic of a sync group decoded, one JSON line per
 * change ({@link ChangeLine}), like kcat for Syncline's envelope. Reads without a consumer group
 * and commits nothing, so it never disturbs the sinks.
 */
final class ChangesCommand {

    static final String HELP = """
            Usage: syncline changes --kafka HOST:PORT --group NAME [--follow] [--table T] [--key K] [--no-values]

            Prints the change envelopes on <group>.changes as JSON lines, partition by partition from the start:
            partition, offset, table, key, op (upsert or delete), origin, dot, vv (version vector), hlc,
            commit_time_us, transaction (id, index, last), counters and columns. A record that is not a change
            envelope is printed as {"partition":..,"offset":..,"error":".."}. Reads as an anonymous consumer and
            commits no offsets: the sinks are not affected.

              --kafka HOST:PORT  the Kafka bootstrap servers
              --group NAME       the sync group (its changes topic is <group>.changes)
              --follow           keep printing new changes until Ctrl-C (default: stop at the current end)
              --table T          only changes of this table (schema.table, e.g. public.orders)
              --key K            only changes of this key (its text: one column's value, or the values joined by ,)
              --no-values        leave the column values out (keys, versions and transactions stay)

            Exit codes: 0 printed, 2 wrong command line, 3 failed
            """;

    private final PrintStream out;

    ChangesCommand(PrintStream out) {
        this.out = out;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("kafka", "group", "table", "key"),
                Set.of("follow", "no-values"));
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        for (String required : List.of("kafka", "group")) {
            if (!line.has(required)) {
                throw new CommandLine.UsageException("--" + required + " is required");
            }
        }
        String topic = SyncGroupNames.of(line.get("group", "")).changesTopic();
        String table = line.get("table", null);
        String key = line.get("key", null);
        boolean follow = line.has("follow");
        boolean values = !line.has("no-values");
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, line.get("kafka", ""));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist; is --group the sync group's "
                        + "name and --kafka its cluster?");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (follow || partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!follow && r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    print(codec, r, table, key, values);
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private void print(ChangeEnvelopeCodec codec, ConsumerRecord<byte[], byte[]> r, String table, String key,
            boolean values) {
        ChangeEnvelopeCodec.Envelope envelope;
        try {
            envelope = codec.decodeEnvelope(r.value());
        } catch (EnvelopeFormatException e) {
            if (table == null && key == null) {
                out.println(ChangeLine.unreadable(r.partition(), r.offset(), "not a change envelope: "
                        + e.getMessage()));
            }
            return;
        }
        if ((table == null || table.equals(envelope.event().table()))
                && (key == null || key.equals(envelope.event().key()))) {
            out.println(ChangeLine.of(r.partition(), r.offset(), envelope, values));
        }
    }
}
