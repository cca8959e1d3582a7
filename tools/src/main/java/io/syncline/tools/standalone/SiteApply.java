package io.syncline.tools.standalone;

import io.syncline.connector.sink.SynclineSinkTask;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The apply half of a standalone site: a Kafka consumer on {@code <group>.changes} driving a real
 * {@link SynclineSinkTask} the way Connect's worker does: {@code open} on assignment (then seek to
 * the offsets the task asks for: those stored in the site's database), {@code put} per poll (an
 * empty one too, so leases are looked after), {@code preCommit} before committing the consumer's
 * offsets, {@code close} on revocation. A batch refused with a {@link RetriableException} is kept,
 * its partitions paused, and offered again after a backoff, until it goes through.
 */
final class SiteApply {

    private static final Logger LOG = LoggerFactory.getLogger(SiteApply.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final StandaloneConfig config;
    private final Consumer<Throwable> onFailure;
    private final Clock clock;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<TopicPartition> pausedByTask = new HashSet<>();
    private final Map<TopicPartition, Long> delivered = new HashMap<>();
    private final Metrics metrics = new Metrics();
    private SynclineSinkTask task;
    private StandaloneSinkContext context;
    private KafkaConsumer<String, byte[]> consumer;
    private Producer<byte[], byte[]> deadLetters;
    private Thread thread;
    private volatile boolean running;
    private boolean taskClosed;
    private List<SinkRecord> retry;
    private long applied;

    SiteApply(StandaloneConfig config, Consumer<Throwable> onFailure, Clock clock) {
        this.config = config;
        this.onFailure = onFailure;
        this.clock = clock;
    }

    /** Starts the sink task and the consumer loop; a task that cannot start throws here. */
    void start() {
        Map<String, String> props = config.sinkProperties();
        context = new StandaloneSinkContext(props, reporter(),
                new PluginMetricsImpl(metrics, Map.of("connector", config.sinkName(), "task", "0")));
        task = new SynclineSinkTask();
        task.initialize(context);
        task.start(props);
        consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "syncline-apply-" + config.siteId());
        thread.start();
        LOG.info("Apply of site {} started: consumer group {} on topic {}", config.siteId(), groupId(),
                config.changesTopic());
    }

    private String groupId() {
        // Connect's name for a sink connector's group: a site moved between Connect and standalone keeps it.
        return "connect-" + config.sinkName();
    }

    private Properties consumerProperties() {
        Properties props = config.kafkaClient();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.sinkName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.sinkProperties().forEach((key, value) -> {
            if (key.startsWith("consumer.override.")) {
                props.put(key.substring("consumer.override.".length()), value);
            }
        });
        return props;
    }

    /** As in Connect: a reporter only with errors.tolerance=all, writing to the dead-letter topic if one is named. */
    private ErrantRecordReporter reporter() {
        if (!"all".equals(config.sinkSetting("errors.tolerance", "none"))) {
            return null;
        }
        String topic = config.sinkSetting("errors.deadletterqueue.topic.name", "").trim();
        if (topic.isEmpty()) {
            return new DeadLetterReporter(null, null, false);
        }
        Properties props = config.kafkaClient();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.sinkName() + "-dlq");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        deadLetters = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        return new DeadLetterReporter(deadLetters, topic,
                Boolean.parseBoolean(config.sinkSetting("errors.deadletterqueue.context.headers.enable", "false")));
    }

    private void run() {
        MDC.put("connector.context", "[" + config.sinkName() + "|standalone] ");
        try {
            consumer.subscribe(List.of(config.changesTopic()), new Rebalance());
            long nextCommit = clock.millis() + COMMIT_INTERVAL.toMillis();
            while (running) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(retry == null ? POLL_TIMEOUT : RETRY_BACKOFF);
                List<SinkRecord> batch = retry == null ? new ArrayList<>() : new ArrayList<>(retry);
                for (ConsumerRecord<String, byte[]> record : polled) {
                    batch.add(toSinkRecord(record));
                }
                deliver(batch);
                if (clock.millis() >= nextCommit || context.takeCommitRequest()) {
                    commit(assigned);
                    nextCommit = clock.millis() + COMMIT_INTERVAL.toMillis();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            shutDown();
        }
    }

    private void deliver(List<SinkRecord> batch) {
        try {
            task.put(batch);
            for (SinkRecord record : batch) {
                delivered.merge(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset() + 1,
                        Math::max);
            }
            applied += batch.size();
            if (retry != null) {
                retry = null;
                Set<TopicPartition> again = new HashSet<>(assigned);
                again.removeAll(pausedByTask);
                consumer.resume(again);
                LOG.info("Site {} applied the batch it retried; consuming again", config.siteId());
            }
        } catch (RetriableException e) {
            if (retry == null) {
                LOG.warn("Site {} could not apply a batch of {} records: {}; it retries every {} ms", config.siteId(),
                        batch.size(), e.getMessage(), RETRY_BACKOFF.toMillis());
            } else {
                LOG.debug("Site {} retry failed again: {}", config.siteId(), e.getMessage());
            }
            retry = batch;
            consumer.pause(assigned);
        }
        carryOutRequests();
    }

    /** Seeks, pauses and resumes the task asked for, on the consumer's thread. */
    private void carryOutRequests() {
        for (Map.Entry<TopicPartition, Long> seek : context.takeSeeks().entrySet()) {
            if (assigned.contains(seek.getKey())) {
                consumer.seek(seek.getKey(), seek.getValue());
                delivered.put(seek.getKey(), seek.getValue());
            }
        }
        for (TopicPartition tp : context.takePauses()) {
            if (assigned.contains(tp)) {
                pausedByTask.add(tp);
                consumer.pause(List.of(tp));
            }
        }
        for (TopicPartition tp : context.takeResumes()) {
            pausedByTask.remove(tp);
            if (assigned.contains(tp) && retry == null) {
                consumer.resume(List.of(tp));
            }
        }
    }

    /** Commits what the task reports as applied; the site's database holds the offsets that count. */
    private void commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long next = delivered.get(tp);
            if (next != null) {
                current.put(tp, new OffsetAndMetadata(next));
            }
        }
        if (current.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>(task.preCommit(current));
        safe.keySet().retainAll(assigned);
        if (safe.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(safe);
        } catch (WakeupException e) {
            consumer.commitSync(safe);
        } catch (KafkaException e) {
            LOG.warn("Site {} could not commit consumer offsets ({}); its database holds the applied offsets, so "
                    + "nothing is lost", config.siteId(), e.getMessage());
        }
    }

    private static SinkRecord toSinkRecord(ConsumerRecord<String, byte[]> record) {
        ConnectHeaders headers = new ConnectHeaders();
        for (Header header : record.headers()) {
            headers.addBytes(header.key(), header.value());
        }
        return new SinkRecord(record.topic(), record.partition(), Schema.OPTIONAL_STRING_SCHEMA, record.key(),
                Schema.OPTIONAL_BYTES_SCHEMA, record.value(), record.offset(), record.timestamp(),
                record.timestampType(), headers);
    }

    private void fail(Throwable e) {
        running = false;
        LOG.error("Apply of site {} failed and stops: {}", config.siteId(), e.getMessage(), e);
        onFailure.accept(e);
    }

    private void shutDown() {
        try {
            if (!taskClosed) {
                commit(assigned);
            }
        } catch (RuntimeException e) {
            LOG.warn("Site {}: last offset commit failed: {}", config.siteId(), e.getMessage());
        }
        try {
            if (!taskClosed) {
                task.close(new ArrayList<>(assigned));
            }
        } catch (RuntimeException e) {
            LOG.warn("Site {}: closing the partitions failed: {}", config.siteId(), e.getMessage());
        }
        taskClosed = true;
        try {
            task.stop();
        } catch (RuntimeException e) {
            LOG.warn("Site {}: stopping the sink task failed: {}", config.siteId(), e.getMessage());
        }
        try {
            consumer.close();
        } catch (RuntimeException e) {
            LOG.warn("Site {}: closing the consumer failed: {}", config.siteId(), e.getMessage());
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        metrics.close();
        LOG.info("Apply of site {} stopped after {} records", config.siteId(), applied);
        MDC.remove("connector.context");
    }

    /** Stops the loop and waits until the task, the consumer and the dead-letter producer are closed. */
    void stop() {
        Thread loop = thread;
        if (loop == null) {
            if (task != null) {
                task.stop();
            }
            return;
        }
        running = false;
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            LOG.debug("Site {}: the consumer is already closed", config.siteId());
        }
        if (loop == Thread.currentThread()) {
            return;
        }
        try {
            loop.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loop.isAlive()) {
            LOG.warn("Apply of site {} did not stop within {} s", config.siteId(), STOP_TIMEOUT.toSeconds());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (taskClosed || partitions.isEmpty()) {
                return;
            }
            commit(partitions);
            task.close(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (taskClosed || partitions.isEmpty()) {
                return;
            }
            task.close(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            assigned.addAll(partitions);
            context.assignment(assigned);
            openWithRetry(partitions);
            carryOutRequests();
            if (retry != null) {
                consumer.pause(partitions);
            }
            LOG.info("Site {} applies partitions {}", config.siteId(), partitions);
        }

        private void openWithRetry(Collection<TopicPartition> partitions) {
            while (true) {
                try {
                    task.open(partitions);
                    return;
                } catch (RetriableException e) {
                    if (!running) {
                        throw e;
                    }
                    LOG.warn("Site {} cannot open partitions {} yet: {}; retrying in {} ms", config.siteId(),
                            partitions, e.getMessage(), RETRY_BACKOFF.toMillis());
                    try {
                        TimeUnit.MILLISECONDS.sleep(RETRY_BACKOFF.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new WakeupException();
                    }
                }
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            pausedByTask.removeAll(partitions);
            partitions.forEach(delivered::remove);
            context.assignment(assigned);
            if (retry != null) {
                retry.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.kafkaPartition())));
            }
        }
    }
}
