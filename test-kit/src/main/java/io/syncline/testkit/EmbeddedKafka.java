package io.syncline.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker, in KRaft mode, running inside this JVM: one node that is both broker
 * and the only controller, listening on free loopback ports, storing its log in a fresh
 * folder that {@link #close()} deletes.
 *
 * <p>It is sized for one machine: internal topics have one replica and one partition, topics
 * are created on first use, and consumer groups rebalance without the usual initial delay.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(workDir)) {
 *     kafka.createTopic("orders.changes", 3);
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** A broker in a JVM of its own starts cold (class loading, JIT); on a busy machine that takes longer. */
    private static final Duration PROCESS_READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;
    /** In process mode: the broker's own JVM (replaced on restart); null when it runs in this JVM. */
    private ChildJvm process;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, String bootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    private EmbeddedKafka(ChildJvm process, Path dataDir, String bootstrapServers) {
        this((KafkaRaftServer) null, dataDir, bootstrapServers);
        this.process = process;
    }

    /**
     * Like {@link #start(Path)}, but the broker runs in a JVM of its own ({@code kafka.Kafka} with a
     * properties file, as {@code kafka-server-start.sh} would), so it can be killed and started again
     * on the same log folder and ports ({@link #kill()}, {@link #restart()}).
     *
     * @param logDir the folder for the broker's console output
     */
    public static EmbeddedKafka startProcess(Path workDir, Path logDir) {
        Objects.requireNonNull(workDir, "workDir");
        long startedAt = System.nanoTime();
        Path dataDir = createDataDir(workDir);
        int brokerPort = FreePort.onLoopback();
        int controllerPort = FreePort.onLoopback();
        Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
        format(dataDir);
        Path propsFile = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
        try (var out = Files.newBufferedWriter(propsFile)) {
            props.store(out, "Syncline embedded broker");
        } catch (IOException e) {
            FileTree.deleteQuietly(dataDir);
            throw new IllegalStateException("cannot write the broker's properties to " + propsFile, e);
        }
        ChildJvm child = ChildJvm.start(new ChildJvm.Spec("kafka-broker", "kafka.Kafka", List.of(propsFile.toString()),
                Map.of(), "768m", logDir));
        EmbeddedKafka kafka = new EmbeddedKafka(child, dataDir, FreePort.LOOPBACK + ":" + brokerPort);
        try {
            kafka.awaitReady(PROCESS_READY_TIMEOUT);
        } catch (RuntimeException e) {
            kafka.close();
            throw new IllegalStateException("Kafka broker process on " + kafka.bootstrapServers
                    + " did not start (output " + child.outputFile() + "); it has been stopped", e);
        }
        LOG.info("Kafka broker started as process {} on {} in {} ms (log dir {})", child.pid(),
                kafka.bootstrapServers, elapsedMillis(startedAt), dataDir);
        return kafka;
    }

    /** The process id of the JVM the broker runs in (this JVM's unless started with {@link #startProcess}). */
    public synchronized long pid() {
        return process == null ? ProcessHandle.current().pid() : process.pid();
    }

    /** Kills the broker's process ({@code kill -9}); only in process mode. */
    public synchronized void kill() {
        requireProcess().kill();
    }

    /**
     * Starts the broker's process again on the same log folder and ports and waits until it answers;
     * only in process mode, after {@link #kill()}.
     */
    public synchronized void restart() {
        process = requireProcess().restart();
        awaitReady(PROCESS_READY_TIMEOUT);
        LOG.info("Kafka broker restarted as process {} on {}", process.pid(), bootstrapServers);
    }

    private ChildJvm requireProcess() {
        if (process == null) {
            throw new IllegalStateException("the Kafka broker runs inside this JVM; start it with startProcess to kill "
                    + "or restart it");
        }
        return process;
    }

    /**
     * Formats a fresh log folder under {@code workDir}, starts the broker and returns once it
     * answers an admin request.
     *
     * @throws IllegalStateException if the broker cannot be formatted or does not become ready
     *     within 60 s; the folder is deleted and nothing is left running
     */
    public static EmbeddedKafka start(Path workDir) {
        Objects.requireNonNull(workDir, "workDir");
        long startedAt = System.nanoTime();
        Path dataDir = createDataDir(workDir);
        int brokerPort = FreePort.onLoopback();
        int controllerPort = FreePort.onLoopback();
        Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
        format(dataDir);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        EmbeddedKafka kafka = new EmbeddedKafka(server, dataDir, FreePort.LOOPBACK + ":" + brokerPort);
        try {
            server.startup();
            kafka.awaitReady(READY_TIMEOUT);
        } catch (RuntimeException e) {
            kafka.close();
            throw new IllegalStateException("Kafka broker on " + kafka.bootstrapServers
                    + " did not start; it has been shut down and its folder deleted", e);
        }
        LOG.info("Kafka broker started on {} in {} ms (log dir {})",
                kafka.bootstrapServers, elapsedMillis(startedAt), dataDir);
        return kafka;
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates a topic with one replica and waits until every partition has a leader; a topic
     * that already exists is left as it is.
     *
     * @throws IllegalStateException if the broker does not create it within 30 s
     */
    public void createTopic(String name, int partitions) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions was " + partitions + ", must be at least 1");
        }
        try (Admin admin = newAdmin()) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, name);
            LOG.info("Topic {} is ready with {} partition(s)", name, partitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("topic " + name + " could not be created on "
                    + bootstrapServers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** The sum over a topic's partitions of their end offsets: how many records it has ever held. */
    public long endOffsetsSum(String topic) {
        try (Admin admin = newAdmin()) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> latest =
                    new HashMap<>();
            description.partitions().forEach(p -> latest.put(
                    new TopicPartition(topic, p.partition()),
                    OffsetSpec.latest()));
            long sum = 0;
            for (var info : admin.listOffsets(latest).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .values()) {
                sum += info.offset();
            }
            return sum;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("end offsets of " + topic + " could not be read: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading end offsets of " + topic, e);
        }
    }

    /**
     * Returns an admin client for this broker; the caller closes it.
     */
    public Admin newAdmin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Shuts the broker down, waits for it, and deletes its log folder. */
    @Override
    public void close() {
        long startedAt = System.nanoTime();
        try {
            if (process != null) {
                process.close();
            } else {
                server.shutdown();
                server.awaitShutdown();
            }
        } finally {
            FileTree.deleteQuietly(dataDir);
        }
        LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers, elapsedMillis(startedAt));
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = newAdmin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Deadlines.pause(Duration.ofMillis(100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
        throw new IllegalStateException("Kafka broker on " + bootstrapServers + " did not answer within "
                + timeout.toSeconds() + " s", last);
    }

    private void awaitLeaders(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                // The broker may not know the new topic yet; ask again until the deadline.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + topic + " have no leader after "
                        + ADMIN_TIMEOUT.toSeconds() + " s");
            }
            Deadlines.pause(Duration.ofMillis(50));
        }
    }

    private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + FreePort.LOOPBACK + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + FreePort.LOOPBACK + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + FreePort.LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + FreePort.LOOPBACK + ":" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        props.put("metadata.log.dir", dataDir.toString());
        props.put("auto.create.topics.enable", "true");
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Lets Connect workers (process mode) ask for short sessions, so a dead worker is noticed quickly.
        props.put("group.min.session.timeout.ms", "1000");
        // The default reserves 128 MB of heap for compaction; a development broker needs little.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        return props;
    }

    private static void format(Path dataDir) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .addDirectory(dataDir.toString())
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setPrintStream(out)
                    .run();
        } catch (Exception e) {
            FileTree.deleteQuietly(dataDir);
            throw new IllegalStateException("could not format Kafka storage in " + dataDir + ": "
                    + e.getMessage() + "; nothing was started", e);
        }
        LOG.debug("Formatted Kafka storage: {}", printed.toString(StandardCharsets.UTF_8).strip());
    }

    private static Path createDataDir(Path workDir) {
        try {
            Files.createDirectories(workDir);
            return Files.createTempDirectory(workDir, "kafka-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a Kafka log folder under " + workDir
                    + ": " + e.getMessage(), e);
        }
    }

    static long elapsedMillis(long startedAtNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos);
    }
}
