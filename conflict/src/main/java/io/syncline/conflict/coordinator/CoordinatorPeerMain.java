package io.syncline.conflict.coordinator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one standalone coordinator peer until SIGTERM/SIGINT. It is what {@code syncline coordinator}
 * runs, and the entry point of the coordinator image, which runs it from the plugin archive's
 * {@code lib/} (this module and Ratis are there; the tools are not).
 *
 * <pre>{@code
 * java -cp 'lib/*:logging/*' io.syncline.conflict.coordinator.CoordinatorPeerMain \
 *     --id n1 --peers n1=c1:9871,n2=c2:9871,n3=c3:9871 --dir /data
 * }</pre>
 */
public final class CoordinatorPeerMain {

    private static final Set<String> VALUED = Set.of("id", "peers", "dir");

    private CoordinatorPeerMain() {
    }

    /** Exit codes: 2 for a wrong command line, 3 when the peer fails to start. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the peer {@code args} name until the JVM shuts down; returns at once with exit code 2 for a
     * wrong command line (saying why on {@code err}), 3 when the peer cannot start, 0 after a shutdown.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        boolean fast = false;
        CoordinatorPeers peers;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i].startsWith("--") ? args[i].substring(2) : "";
                if (flag.equals("fast")) {
                    fast = true;
                } else if (VALUED.contains(flag) && i + 1 < args.length) {
                    options.put(flag, args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown or incomplete option " + args[i]
                            + "; expected --id ID --peers id=host:port,... --dir DATA [--fast]");
                }
            }
            if (!options.keySet().containsAll(VALUED)) {
                throw new IllegalArgumentException("--id, --peers and --dir are required");
            }
            peers = CoordinatorPeers.parse(options.get("peers"));
            if (!peers.addresses().containsKey(options.get("id"))) {
                throw new IllegalArgumentException("--id " + options.get("id") + " is not among --peers "
                        + peers.addresses().keySet());
            }
        } catch (IllegalArgumentException e) {
            err.println("syncline coordinator: " + e.getMessage());
            return 2;
        }
        try {
            runUntilStopped(options.get("id"), peers, Path.of(options.get("dir")),
                    fast ? CoordinatorTuning.fast() : CoordinatorTuning.defaults(), out);
            return 0;
        } catch (RuntimeException e) {
            err.println("syncline coordinator: peer " + options.get("id") + " failed to start: " + e.getMessage());
            return 3;
        }
    }

    /**
     * Starts peer {@code id} of {@code peers}, says so on {@code out}, and blocks until the JVM shuts down
     * (the shutdown hook closes the peer cleanly).
     *
     * @throws IllegalArgumentException if {@code id} is not one of the peers
     */
    public static void runUntilStopped(String id, CoordinatorPeers peers, Path dir, CoordinatorTuning tuning,
            PrintStream out) {
        if (!peers.addresses().containsKey(id)) {
            throw new IllegalArgumentException("--id " + id + " is not among --peers " + peers.addresses().keySet());
        }
        CoordinatorPeer peer = CoordinatorPeer.start(id, peers.addresses(), dir, tuning);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            peer.close();
            stopped.countDown();
        }, "syncline-coordinator-shutdown"));
        out.println("coordinator peer " + id + " running at " + peers.addresses().get(id) + " (peers "
                + List.copyOf(peers.addresses().keySet()) + ")");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
