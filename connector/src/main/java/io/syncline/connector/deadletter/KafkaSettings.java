package io.syncline.connector.deadletter;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How to reach the Kafka cluster of a sync group: its bootstrap servers and the client security
 * settings ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}) that a worker config or a
 * command line gives. The consumers read without a group and commit nothing.
 *
 * <pre>{@code
 * KafkaSettings kafka = KafkaSettings.of("localhost:9092");
 * KafkaSettings fromWorker = KafkaSettings.fromWorkerConfig(workerProperties);
 * }</pre>
 */
public final class KafkaSettings {

    private final Map<String, Object> settings;

    private KafkaSettings(Map<String, Object> settings) {
        this.settings = Map.copyOf(settings);
    }

    /** Plain connections to {@code bootstrapServers} ({@code host:port,...}). */
    public static KafkaSettings of(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers were '" + bootstrapServers
                    + "', must name at least one broker as host:port");
        }
        return new KafkaSettings(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.trim()));
    }

    /**
     * The bootstrap servers and client security settings of a Connect worker's config; empty values
     * are left out. Throws when the config names no bootstrap servers.
     */
    public static KafkaSettings fromWorkerConfig(Map<String, ?> worker) {
        Object bootstrap = worker.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            throw new IllegalArgumentException("the worker config has no " + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        }
        Map<String, Object> settings = new TreeMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap.toString().trim());
        for (Map.Entry<String, ?> e : worker.entrySet()) {
            String key = e.getKey();
            if (e.getValue() != null && (key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
                    || key.startsWith("ssl.") || key.startsWith("sasl."))) {
                settings.put(key, e.getValue());
            }
        }
        return new KafkaSettings(settings);
    }

    /** The bootstrap servers, for messages. */
    public String bootstrapServers() {
        return Objects.toString(settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** Properties of a consumer of raw bytes that joins no group and commits nothing. */
    public Properties consumer() {
        Properties props = new Properties();
        props.putAll(settings);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "syncline-dead-letters");
        return props;
    }

    Properties producer() {
        Properties props = new Properties();
        props.putAll(settings);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "syncline-replay");
        return props;
    }

    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers();
    }
}
