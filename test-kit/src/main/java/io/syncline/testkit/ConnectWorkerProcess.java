package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker in distributed mode in a JVM of its own ({@code ConnectDistributed}
 * with a properties file, as {@code connect-distributed.sh} would run it), the plugin on its
 * plugin.path. Workers started with the same {@code groupId} form one Connect cluster and share
 * its connectors' tasks; when one dies, the others take its tasks over after its session times out.
 *
 * <pre>{@code
 * ConnectWorkerProcess w1 = ConnectWorkerProcess.start("worker-1", kafka.bootstrapServers(), pluginPath,
 *         "syncline-connect-ab12", Map.of(), workDir, logDir);
 * w1.kill();       // kill -9
 * w1.restart();    // same port, same group
 * }</pre>
 */
public final class ConnectWorkerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorkerProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /**
     * Worker settings for quick failover: a worker that stops heartbeating leaves the group after
     * 6 s, its tasks move at once (no scheduled-rebalance delay), and a sink task's consumer that
     * died with it leaves its consumer group after 6 s as well (the consumer default is 45 s).
     */
    static final Map<String, String> FAILOVER = Map.of(
            "session.timeout.ms", "6000",
            "heartbeat.interval.ms", "1000",
            "rebalance.timeout.ms", "20000",
            "scheduled.rebalance.max.delay.ms", "0",
            "consumer.session.timeout.ms", "6000",
            "consumer.heartbeat.interval.ms", "1000");

    private final String name;
    private final String restUrl;
    private final ConnectRestClient restClient;
    private ChildJvm process;
    private boolean paused;

    private ConnectWorkerProcess(String name, String restUrl, ChildJvm process) {
        this.name = name;
        this.restUrl = restUrl;
        this.restClient = new ConnectRestClient(restUrl);
        this.process = process;
    }

    /**
     * Starts a worker process and returns once its REST API answers and it has joined its group.
     *
     * @param name the worker's name, e.g. {@code worker-1} (its properties and output files are named after it)
     * @param groupId the Connect cluster's {@code group.id}; its internal topics are named after it
     * @param overrides worker properties that replace the defaults
     * @param workDir where the worker's properties file goes
     * @param logDir where its console output goes
     */
    public static ConnectWorkerProcess start(String name, String bootstrapServers, Path pluginPath, String groupId,
            Map<String, String> overrides, Path workDir, Path logDir) {
        Objects.requireNonNull(overrides, "overrides");
        if (!Files.isDirectory(pluginPath)) {
            throw new IllegalArgumentException("plugin.path was " + pluginPath + ", must be an existing folder");
        }
        long startedAt = System.nanoTime();
        int port = FreePort.onLoopback();
        Map<String, String> props = new LinkedHashMap<>(
                EmbeddedConnect.workerProperties(bootstrapServers, pluginPath, groupId, port));
        props.putAll(FAILOVER);
        props.putAll(overrides);
        Path propsFile = workDir.resolve(name + ".properties");
        Properties properties = new Properties();
        properties.putAll(props);
        try {
            Files.createDirectories(workDir);
            try (Writer out = Files.newBufferedWriter(propsFile)) {
                properties.store(out, "Syncline embedded Connect worker " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the worker's properties to " + propsFile, e);
        }
        ChildJvm child = ChildJvm.start(new ChildJvm.Spec(name, "org.apache.kafka.connect.cli.ConnectDistributed",
                List.of(propsFile.toString()), Map.of(), "768m", logDir));
        ConnectWorkerProcess worker = new ConnectWorkerProcess(name, "http://" + FreePort.LOOPBACK + ":" + port, child);
        try {
            worker.awaitReady();
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        LOG.info("Kafka Connect worker {} (group {}) started as process {} at {} in {} ms", name, groupId, child.pid(),
                worker.restUrl, EmbeddedKafka.elapsedMillis(startedAt));
        return worker;
    }

    public String name() {
        return name;
    }

    /** The base URL of the worker's REST API; the same across restarts. */
    public String restUrl() {
        return restUrl;
    }

    public ConnectRestClient restClient() {
        return restClient;
    }

    public synchronized long pid() {
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    /** The worker's console output (its log). */
    public synchronized Path outputFile() {
        return process.outputFile();
    }

    /** {@code kill -9}: the worker dies without leaving its group or stopping its tasks. */
    public synchronized void kill() {
        process.kill();
    }

    /** SIGSTOP: the worker stands still (no heartbeats, no applies) until {@link #resume()}. */
    public synchronized void pause() {
        process.pause();
        paused = true;
    }

    /** Whether the worker was paused and not resumed since. */
    public synchronized boolean isPaused() {
        return paused;
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        process.resume();
        paused = false;
    }

    /** Starts the worker again with the same properties (port, group) after {@link #kill()}; waits until ready. */
    public synchronized void restart() {
        process = process.restart();
        awaitReady();
        LOG.info("Kafka Connect worker {} restarted as process {}", name, process.pid());
    }

    /** Stops the worker (SIGTERM: connectors and tasks stop, it leaves the group). */
    @Override
    public synchronized void close() {
        process.close();
        paused = false;
    }

    private void awaitReady() {
        try {
            restClient.awaitReady(READY_TIMEOUT);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka Connect worker " + name + " at " + restUrl + " did not become ready"
                    + " (process " + process.pid() + (process.isAlive() ? "" : ", ended") + "; output "
                    + process.outputFile() + ")", e);
        }
    }
}
