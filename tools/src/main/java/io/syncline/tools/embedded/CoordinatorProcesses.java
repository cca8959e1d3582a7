package io.syncline.tools.embedded;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.testkit.ChildJvm;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.FreePort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft coordinator as separate processes: one {@code syncline coordinator} JVM per peer, with
 * short election timeouts ({@code --fast}), each keeping its log under its own folder so that a
 * killed peer starts again where it was.
 *
 * <pre>{@code
 * try (CoordinatorProcesses peers = CoordinatorProcesses.start(3, workDir, logDir)) {
 *     String leader = peers.awaitLeader(Duration.ofSeconds(30));
 *     peers.kill(leader);
 *     peers.restart(leader);
 * }
 * }</pre>
 */
public final class CoordinatorProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorProcesses.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final String CLI = "io.syncline.tools.cli.SynclineCli";

    private final String peersSpec;
    private final Map<String, ChildJvm> peers = new LinkedHashMap<>();

    private CoordinatorProcesses(String peersSpec) {
        this.peersSpec = peersSpec;
    }

    /** Starts {@code size} peers named n1, n2, ... and waits until one leads. */
    public static CoordinatorProcesses start(int size, Path workDir, Path logDir) {
        if (size < 1 || size > 7) {
            throw new IllegalArgumentException("coordinator peers was " + size + ", must be between 1 and 7");
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        for (int i = 1; i <= size; i++) {
            addresses.put("n" + i, FreePort.LOOPBACK + ":" + FreePort.onLoopback());
        }
        String spec = addresses.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        CoordinatorProcesses group = new CoordinatorProcesses(spec);
        try {
            for (String id : addresses.keySet()) {
                group.peers.put(id, ChildJvm.start(new ChildJvm.Spec("coordinator-" + id, CLI,
                        List.of("coordinator", "--id", id, "--peers", spec, "--dir",
                                workDir.resolve(id).toString(), "--fast"), Map.of(), "256m", logDir)));
            }
            group.awaitLeader(READY_TIMEOUT);
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
        LOG.info("Coordinator peers {} running as processes {}", addresses.keySet(), group.pids());
        return group;
    }

    /** The peers as {@code n1=127.0.0.1:port,...}. */
    public String peersSpec() {
        return peersSpec;
    }

    /** Every peer's process id (of the last start), by peer id. */
    public synchronized Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        peers.forEach((id, jvm) -> pids.put(id, jvm.pid()));
        return pids;
    }

    /** The peer that leads now, as the peers see it. */
    public Optional<String> leaderId() {
        try (CoordinatorClient client = CoordinatorClient.connect(peersSpec)) {
            return client.status().leader();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Waits until some peer leads; returns its id. */
    public String awaitLeader(Duration timeout) {
        List<String> leader = new ArrayList<>();
        Deadlines.await("a coordinator leader among " + peers.keySet(), timeout, () -> {
            Optional<String> id = leaderId();
            id.ifPresent(leader::add);
            return id.isPresent();
        }, () -> "no leader; processes " + pids());
        return leader.get(leader.size() - 1);
    }

    /** {@code kill -9} of one peer; its folder stays for {@link #restart}. */
    public synchronized void kill(String id) {
        peer(id).kill();
    }

    /** Starts a killed peer again on its folder and port. */
    public synchronized void restart(String id) {
        peers.put(id, peer(id).restart());
    }

    /** Stops every peer. */
    @Override
    public synchronized void close() {
        for (ChildJvm peer : peers.values()) {
            try {
                peer.close();
            } catch (RuntimeException e) {
                LOG.warn("Stopping {} failed: {}", peer.name(), e.toString());
            }
        }
    }

    private ChildJvm peer(String id) {
        ChildJvm peer = peers.get(id);
        if (peer == null) {
            throw new IllegalArgumentException("no coordinator peer " + id + "; peers are " + peers.keySet());
        }
        return peer;
    }
}
