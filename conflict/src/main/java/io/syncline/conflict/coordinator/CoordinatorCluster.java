package io.syncline.conflict.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A coordinator group whose peers all run in this JVM on free loopback ports: for tests and the
 * embedded stack ({@code syncline demo}, {@code syncline up}). Peers keep their storage under
 * {@code dir/<id>}, so a stopped peer restarts with its state.
 *
 * <pre>{@code
 * try (CoordinatorCluster cluster = CoordinatorCluster.start(3, tmp, CoordinatorTuning.fast());
 *      CoordinatorClient client = CoordinatorClient.connect(cluster.peersSpec())) {
 *     cluster.awaitLeader(Duration.ofSeconds(10));
 *     client.acquire("orders", "east", 0, "east-sink-0/1", Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class CoordinatorCluster implements AutoCloseable {

    private final CoordinatorPeers peers;
    private final Path dir;
    private final CoordinatorTuning tuning;
    private final Map<String, CoordinatorPeer> running = new LinkedHashMap<>();

    private CoordinatorCluster(CoordinatorPeers peers, Path dir, CoordinatorTuning tuning) {
        this.peers = peers;
        this.dir = dir;
        this.tuning = tuning;
    }

    /** Starts {@code size} peers named n1, n2, ... with storage under {@code dir}. */
    public static CoordinatorCluster start(int size, Path dir, CoordinatorTuning tuning) {
        if (size < 1 || size > 9) {
            throw new IllegalArgumentException("coordinator cluster size was " + size + ", must be between 1 and 9");
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        for (int i = 1; i <= size; i++) {
            addresses.put("n" + i, "127.0.0.1:" + freePort());
        }
        CoordinatorCluster cluster = new CoordinatorCluster(new CoordinatorPeers(addresses), dir, tuning);
        try {
            for (String id : addresses.keySet()) {
                cluster.restart(id);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The peers as {@code n1=127.0.0.1:port,...}, for {@link CoordinatorClient#connect(String)}. */
    public String peersSpec() {
        return peers.spec();
    }

    /** Every peer id, running or not. */
    public List<String> ids() {
        return peers.ids();
    }

    /** The running peer that leads and serves requests, if any. */
    public synchronized Optional<String> leaderId() {
        return running.values().stream().filter(CoordinatorPeer::isLeader).map(CoordinatorPeer::id).findFirst();
    }

    /** Waits until a running peer leads, checking every 20 ms; returns its id. */
    public String awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> leader = leaderId();
            if (leader.isPresent()) {
                return leader.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CoordinatorException("no coordinator leader among running peers " + running()
                        + " within " + timeout.toMillis() + " ms");
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** The running peer {@code id}. */
    public synchronized CoordinatorPeer peer(String id) {
        CoordinatorPeer peer = running.get(id);
        if (peer == null) {
            throw new IllegalArgumentException("coordinator peer " + id + " is not running; running: " + running.keySet());
        }
        return peer;
    }

    /** The ids of the running peers. */
    public synchronized List<String> running() {
        return new ArrayList<>(running.keySet());
    }

    /** Stops peer {@code id}; its storage stays for {@link #restart}. */
    public synchronized void stop(String id) {
        peer(id);
        running.remove(id).close();
    }

    /** Starts peer {@code id} again on its old storage and port (or for the first time). */
    public synchronized void restart(String id) {
        if (!peers.addresses().containsKey(id)) {
            throw new IllegalArgumentException("coordinator peer id was " + id + ", must be one of " + peers.ids());
        }
        if (running.containsKey(id)) {
            throw new IllegalStateException("coordinator peer " + id + " is already running");
        }
        running.put(id, CoordinatorPeer.start(id, peers.addresses(), dir.resolve(id), tuning));
    }

    /** Stops every running peer, all at once (a Ratis server takes about a second to close). */
    @Override
    public synchronized void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (CoordinatorPeer peer : running.values()) {
            closing.add(CompletableFuture.runAsync(peer::close, runnable -> {
                Thread t = new Thread(runnable, "syncline-coordinator-close-" + peer.id());
                t.setDaemon(true);
                t.start();
            }));
        }
        running.clear();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for a coordinator peer", e);
        }
    }
}
