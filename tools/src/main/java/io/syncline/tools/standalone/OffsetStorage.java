package io.syncline.tools.standalone;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Where the capture of a standalone site keeps its Debezium offsets (the position in the site's
 * WAL): a local file, or a compacted Kafka topic. The apply side needs neither: its offsets live
 * in the site's database.
 *
 * <pre>{@code
 * OffsetStorage.file(Path.of("/var/lib/syncline/east.offsets"), Duration.ofSeconds(5));
 * OffsetStorage.topic("syncline-east-offsets", (short) 3, Duration.ofSeconds(5));
 * }</pre>
 *
 * @param kind file or Kafka topic
 * @param file the file, for {@link Kind#FILE}; else null
 * @param topic the topic, for {@link Kind#KAFKA}; else null
 * @param replicationFactor replicas of the topic when it has to be created; -1 for the broker's default
 * @param flushInterval how often captured positions are written and confirmed to the replication slot
 */
public record OffsetStorage(Kind kind, Path file, String topic, short replicationFactor, Duration flushInterval) {

    /** The closed set of places the offsets may live. */
    public enum Kind {
        FILE, KAFKA
    }

    public OffsetStorage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (kind == Kind.FILE && file == null) {
            throw new IllegalArgumentException("offsets.file is missing, must name the offsets file");
        }
        if (kind == Kind.KAFKA && (topic == null || topic.isBlank())) {
            throw new IllegalArgumentException("offsets.topic was blank, must name the offsets topic");
        }
        if (replicationFactor < -1 || replicationFactor == 0) {
            throw new IllegalArgumentException("offsets.replication.factor was " + replicationFactor
                    + ", must be -1 (broker default) or at least 1");
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("offsets.flush.interval.ms was " + flushInterval.toMillis()
                    + ", must be positive");
        }
    }

    public static OffsetStorage file(Path file, Duration flushInterval) {
        return new OffsetStorage(Kind.FILE, file, null, (short) -1, flushInterval);
    }

    public static OffsetStorage topic(String topic, short replicationFactor, Duration flushInterval) {
        return new OffsetStorage(Kind.KAFKA, null, topic, replicationFactor, flushInterval);
    }

    /** The Debezium engine settings for this storage; {@code bootstrapServers} is used for a topic. */
    Properties engineProperties(String bootstrapServers) {
        Properties props = new Properties();
        props.setProperty("offset.flush.interval.ms", Long.toString(flushInterval.toMillis()));
        if (kind == Kind.FILE) {
            props.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            props.setProperty("offset.storage.file.filename", file.toAbsolutePath().toString());
        } else {
            props.setProperty("offset.storage", TopicOffsetStore.class.getName());
            props.setProperty("offset.storage.topic", topic);
            props.setProperty("offset.storage.partitions", "1");
            props.setProperty("offset.storage.replication.factor", Short.toString(replicationFactor));
            props.setProperty("bootstrap.servers", bootstrapServers);
        }
        return props;
    }

    @Override
    public String toString() {
        return kind == Kind.FILE ? "file " + file : "topic " + topic;
    }
}
