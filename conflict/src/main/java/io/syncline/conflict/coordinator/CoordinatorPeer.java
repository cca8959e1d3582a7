package io.syncline.conflict.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running peer of the coordinator's Raft group: a Ratis server with the
 * {@link CoordinatorStateMachine}, serving peers and clients over gRPC on its own address.
 *
 * <pre>{@code
 * Map<String, String> peers = Map.of("n1", "10.0.0.1:9871", "n2", "10.0.0.2:9871", "n3", "10.0.0.3:9871");
 * try (CoordinatorPeer peer = CoordinatorPeer.start("n1", peers, Path.of("/var/lib/syncline/n1"),
 *         CoordinatorTuning.defaults())) {
 *     ...
 * }
 * }</pre>
 */
public final class CoordinatorPeer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorPeer.class);

    private final String id;
    private final RaftServer server;
    private final CoordinatorStateMachine stateMachine;

    private CoordinatorPeer(String id, RaftServer server, CoordinatorStateMachine stateMachine) {
        this.id = id;
        this.server = server;
        this.stateMachine = stateMachine;
    }

    /**
     * Starts peer {@code id} of the group {@code peers} (id to host:port, the same map on every peer),
     * keeping its log and snapshots under {@code dataDir}; a peer started again on the same directory
     * recovers its state from there.
     *
     * @throws IllegalArgumentException if {@code id} is not one of {@code peers}
     * @throws UncheckedIOException if the storage cannot be opened or the port bound
     */
    public static CoordinatorPeer start(String id, Map<String, String> peers, Path dataDir, CoordinatorTuning tuning) {
        CoordinatorPeers group = new CoordinatorPeers(peers);
        String address = group.addresses().get(id);
        if (address == null) {
            throw new IllegalArgumentException("coordinator peer id was " + id + ", must be one of " + group.ids());
        }
        if (dataDir == null || tuning == null) {
            throw new IllegalArgumentException("data directory and tuning of coordinator peer " + id
                    + " must not be null");
        }
        try {
            Files.createDirectories(dataDir);
            boolean formatted = Files.isDirectory(dataDir.resolve(CoordinatorPeers.GROUP_ID.getUuid().toString()));
            RaftProperties properties = tuning.serverProperties(dataDir.toFile(), CoordinatorPeers.host(address),
                    CoordinatorPeers.port(address));
            CoordinatorStateMachine stateMachine = new CoordinatorStateMachine();
            RaftServer server = RaftServer.newBuilder()
                    .setServerId(CoordinatorPeers.peerId(id))
                    .setGroup(group.group())
                    .setStateMachine(stateMachine)
                    .setProperties(properties)
                    .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                    .build();
            server.start();
            LOG.info("coordinator peer {} started on {} ({} storage in {})", id, address,
                    formatted ? "recovered" : "new", dataDir);
            return new CoordinatorPeer(id, server, stateMachine);
        } catch (IOException e) {
            throw new UncheckedIOException("coordinator peer " + id + " could not start on " + address + " with data in "
                    + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** This peer's id. */
    public String id() {
        return id;
    }

    /** Whether this peer leads the group and has applied its term's first entry, so it serves requests. */
    public boolean isLeader() {
        try {
            var info = server.getDivision(CoordinatorPeers.GROUP_ID).getInfo();
            return info.isLeader() && info.isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** The highest log index this peer's state machine has applied, -1 if none. */
    public long appliedIndex() {
        var applied = stateMachine.getLastAppliedTermIndex();
        return applied == null ? -1 : applied.getIndex();
    }

    /** The index of this peer's latest snapshot, -1 if it has none. */
    public long snapshotIndex() {
        var snapshot = stateMachine.getLatestSnapshot();
        return snapshot == null ? -1 : snapshot.getIndex();
    }

    CoordinatorStateMachine stateMachine() {
        return stateMachine;
    }

    /** Stops the server; its storage stays for a later {@link #start} on the same directory. */
    @Override
    public void close() {
        try {
            server.close();
            LOG.info("coordinator peer {} stopped", id);
        } catch (IOException e) {
            throw new UncheckedIOException("coordinator peer " + id + " did not stop cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "coordinator peer " + id;
    }
}
