package io.syncline.tools.standalone;

import io.debezium.embedded.Connect;
import io.debezium.embedded.async.ConvertingAsyncEngineBuilderFactory;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.syncline.connector.source.SynclineSourceConnector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The capture half of a standalone site: {@link SynclineSourceConnector} on Debezium's embedded
 * engine, its records sent by a Kafka producer. A batch is marked processed, record by record in
 * the order the task emitted it, only after Kafka acknowledged all of it (marking a record calls
 * the task's {@code commitRecord}, which its {@code AckChain} hands on to Debezium in capture
 * order). Every {@code flush.interval.ms} the engine writes the offsets of the records marked
 * processed to the offset storage and calls the task's {@code commit()}; Debezium's PostgreSQL
 * task then confirms the replication slot up to the stored offset, so the slot never passes a
 * change that is not in Kafka.
 */
final class SiteCapture {

    private static final Logger LOG = LoggerFactory.getLogger(SiteCapture.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final StandaloneConfig config;
    private final Consumer<Throwable> onFailure;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch polling = new CountDownLatch(1);
    private Producer<String, byte[]> producer;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService threads;
    private volatile boolean stopping;
    private volatile long sent;

    SiteCapture(StandaloneConfig config, Consumer<Throwable> onFailure) {
        this.config = config;
        this.onFailure = onFailure;
    }

    void start() {
        producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
        if (config.offsets().kind() == OffsetStorage.Kind.FILE) {
            try {
                Files.createDirectories(config.offsets().file().toAbsolutePath().getParent());
            } catch (IOException e) {
                producer.close();
                throw new ConnectException("the offsets file " + config.offsets().file() + " cannot be created: "
                        + e.getMessage(), e);
            }
        }
        engine = new ConvertingAsyncEngineBuilderFactory()
                .builder(ChangeEventFormat.of(Connect.class))
                .using(engineProperties())
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        polling.countDown();
                        LOG.info("Capture of site {} is polling (offsets in {})", config.siteId(), config.offsets());
                    }
                })
                .using(this::completed)
                .notifying(this::handleBatch)
                .build();
        threads = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "syncline-capture-" + config.siteId());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(() -> {
            MDC.put("connector.context", "[" + config.sourceName() + "|standalone] ");
            engine.run();
        });
        LOG.info("Capture of site {} started: {} tables to topic {}", config.siteId(), config.source().tables().size(),
                config.changesTopic());
    }

    private Properties producerProperties() {
        Properties props = config.kafkaClient();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.sourceName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotence keeps a partition's records in send order across retries.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.sourceProperties().forEach((key, value) -> {
            if (key.startsWith("producer.override.")) {
                props.put(key.substring("producer.override.".length()), value);
            }
        });
        return props;
    }

    private Properties engineProperties() {
        Properties props = new Properties();
        props.putAll(config.sourceProperties());
        props.setProperty("name", config.sourceName());
        props.setProperty("connector.class", SynclineSourceConnector.class.getName());
        props.setProperty("tasks.max", "1");
        props.putAll(config.offsets().engineProperties(config.bootstrapServers()));
        if (config.offsets().kind() == OffsetStorage.Kind.KAFKA) {
            // The offsets topic's clients need the same security settings as every other client.
            config.kafkaClient().forEach(props::putIfAbsent);
        }
        return props;
    }

    /** Sends a batch, waits until Kafka has all of it, then marks it processed in emit order. */
    private void handleBatch(List<RecordChangeEvent<SourceRecord>> events,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (RecordChangeEvent<SourceRecord> event : events) {
            acks.add(producer.send(toProducerRecord(event.record())));
        }
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (ExecutionException e) {
                throw new ConnectException("Kafka did not take the change events of site " + config.siteId() + " ("
                        + e.getCause().getMessage() + "); the capture stops and resumes from its last confirmed "
                        + "position when restarted", e.getCause());
            }
        }
        for (RecordChangeEvent<SourceRecord> event : events) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        sent += events.size();
        LOG.trace("Site {} sent {} change events", config.siteId(), events.size());
    }

    private static ProducerRecord<String, byte[]> toProducerRecord(SourceRecord record) {
        Object value = record.value();
        byte[] bytes;
        if (value == null || value instanceof byte[]) {
            bytes = (byte[]) value;
        } else if (value instanceof ByteBuffer buffer) {
            bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
        } else {
            throw new ConnectException("the capture emitted a " + value.getClass().getName() + " to "
                    + record.topic() + ", not the bytes of a change envelope");
        }
        String key = record.key() == null ? null : record.key().toString();
        return new ProducerRecord<>(record.topic(), record.kafkaPartition(), record.timestamp(), key, bytes);
    }

    private void completed(boolean success, String message, Throwable error) {
        try {
            if (!stopping) {
                Throwable cause = error != null ? error
                        : new ConnectException("the capture of site " + config.siteId() + " ended: " + message);
                LOG.error("Capture of site {} failed and stops: {}", config.siteId(), message, error);
                onFailure.accept(cause);
            } else if (!success) {
                LOG.warn("Capture of site {} stopped with an error: {}", config.siteId(), message);
            }
        } finally {
            stopped.countDown();
        }
    }

    /** Whether the capture is streaming (the engine's task is polling). */
    boolean isPolling() {
        return polling.getCount() == 0;
    }

    /** Stops the engine (which flushes its offsets), then the producer. */
    void stop() {
        stopping = true;
        if (engine != null) {
            try {
                engine.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Capture of site {}: stopping the engine failed: {}", config.siteId(), e.getMessage());
            }
            try {
                if (!stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Capture of site {} did not stop within {} s", config.siteId(), STOP_TIMEOUT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (threads != null) {
            threads.shutdownNow();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        LOG.info("Capture of site {} stopped after {} change events sent", config.siteId(), sent);
    }
}
