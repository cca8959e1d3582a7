package io.syncline.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker in distributed mode, running inside this JVM against a given
 * Kafka cluster, with its REST API on a free loopback port.
 *
 * <p>Each worker gets its own group and internal topics, so several can share one broker
 * without seeing each other. Keys are strings and values raw bytes unless {@code overrides}
 * say otherwise; any worker property may be overridden.
 *
 * <pre>{@code
 * try (EmbeddedConnect connect = EmbeddedConnect.start(kafka.bootstrapServers(), pluginDir, Map.of())) {
 *     ConnectRestClient rest = connect.restClient();
 *     rest.putConnectorConfig("east-source", config);
 *     rest.awaitRunning("east-source", Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class EmbeddedConnect implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConnect.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Connect<DistributedHerder> connect;
    private final String restUrl;
    private final String groupId;
    private final ConnectRestClient restClient;

    private EmbeddedConnect(Connect<DistributedHerder> connect, String restUrl, String groupId) {
        this.connect = connect;
        this.restUrl = restUrl;
        this.groupId = groupId;
        this.restClient = new ConnectRestClient(restUrl);
    }

    /**
     * Starts a worker and returns once its REST API answers and it has joined its group.
     *
     * @param bootstrapServers the Kafka cluster that holds the worker's internal topics
     * @param pluginPath a folder of plugin folders or archives; may be empty, plugins on the
     *     class path are found as well
     * @param overrides worker properties that replace the defaults, e.g.
     *     {@code offset.flush.interval.ms}
     * @throws IllegalStateException if the worker is not ready within 90 s; it is stopped
     */
    public static EmbeddedConnect start(String bootstrapServers, Path pluginPath, Map<String, String> overrides) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(pluginPath, "pluginPath");
        Objects.requireNonNull(overrides, "overrides");
        if (!Files.isDirectory(pluginPath)) {
            throw new IllegalArgumentException("plugin.path was " + pluginPath + ", must be an existing folder");
        }
        long startedAt = System.nanoTime();
        String id = "syncline-connect-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePort.onLoopback();
        Map<String, String> props = workerProperties(bootstrapServers, pluginPath, id, port);
        props.putAll(overrides);
        String restUrl = "http://" + FreePort.LOOPBACK + ":" + port;

        // Caveat: if Connect.start() itself throws, startConnect calls Exit.exit(3), as the
        // connect-distributed script would. It builds the herder and REST server before that,
        // so bad worker properties or a taken port still surface here as exceptions.
        // startConnect swaps the calling thread's context class loader for the plugin loader;
        // the worker's own threads keep it, the caller gets its own back.
        Thread current = Thread.currentThread();
        ClassLoader callerLoader = current.getContextClassLoader();
        Connect<DistributedHerder> connect;
        try {
            connect = new ConnectDistributed().startConnect(props);
        } finally {
            current.setContextClassLoader(callerLoader);
        }
        EmbeddedConnect worker = new EmbeddedConnect(connect, restUrl, props.get("group.id"));
        try {
            worker.restClient.awaitReady(READY_TIMEOUT);
        } catch (RuntimeException e) {
            worker.close();
            throw new IllegalStateException("Kafka Connect worker at " + restUrl
                    + " did not become ready; it has been stopped", e);
        }
        LOG.info("Kafka Connect worker {} started at {} in {} ms (plugin.path {})",
                worker.groupId, restUrl, EmbeddedKafka.elapsedMillis(startedAt), pluginPath);
        return worker;
    }

    /** The base URL of the worker's REST API, e.g. {@code http://127.0.0.1:40555}. */
    public String restUrl() {
        return restUrl;
    }

    /** The worker's {@code group.id}; its internal topics are named after it. */
    public String groupId() {
        return groupId;
    }

    /** A REST client for this worker. */
    public ConnectRestClient restClient() {
        return restClient;
    }

    /** Stops the worker (connectors and tasks first) and waits until it has stopped. */
    @Override
    public void close() {
        long startedAt = System.nanoTime();
        connect.stop();
        connect.awaitStop();
        LOG.info("Kafka Connect worker {} stopped in {} ms", groupId, EmbeddedKafka.elapsedMillis(startedAt));
    }

    static Map<String, String> workerProperties(String bootstrapServers, Path pluginPath, String id, int port) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", id);
        props.put("config.storage.topic", id + "-configs");
        props.put("offset.storage.topic", id + "-offsets");
        props.put("status.storage.topic", id + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "5");
        props.put("status.storage.partitions", "1");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("listeners", "http://" + FreePort.LOOPBACK + ":" + port);
        props.put("rest.advertised.host.name", FreePort.LOOPBACK);
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        props.put("plugin.discovery", "service_load");
        props.put("offset.flush.interval.ms", "1000");
        // A lost worker's tasks move at once instead of after the default 5 minutes.
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("task.shutdown.graceful.timeout.ms", "5000");
        return props;
    }
}
