package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds TCP ports on the loopback interface that nothing listens on right now.
 *
 * <p>Ports are picked below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}),
 * at random, and checked by binding them. The ephemeral range is where the operating system takes
 * the local port of every outgoing connection (a Kafka client's, a JDBC driver's): a port picked
 * there and released could be taken by such a connection before the service binds it, and the
 * service would fail with "address already in use". This process never hands out the same port
 * twice; two processes picking at once rarely meet (one in thousands of ports each time), and the
 * bind check catches a port one of them already listens on.
 *
 * <pre>{@code
 * int port = FreePort.onLoopback();
 * String listener = "PLAINTEXT://127.0.0.1:" + port;
 * }</pre>
 */
public final class FreePort {

    /** The loopback address every embedded service binds to. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    /** The Linux default start of the ephemeral range, used when the kernel's cannot be read. */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;
    private static final int ATTEMPTS = 200;

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePort() {
    }

    /**
     * Returns a port on 127.0.0.1 that was free at the time of the call, outside the ephemeral
     * range and not returned before by this process.
     *
     * @throws UncheckedIOException if no free port is found
     */
    public static synchronized int onLoopback() {
        int highest = ephemeralStart() - 1;
        if (highest - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
                if (!HANDED_OUT.contains(port) && bindable(port)) {
                    HANDED_OUT.add(port);
                    return port;
                }
            }
        }
        // No room below the ephemeral range: let the operating system pick.
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = bind(0);
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free TCP port on " + LOOPBACK
                + " after " + ATTEMPTS + " tries; nothing can be started"));
    }

    private static boolean bindable(int port) {
        try {
            bind(port);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static int bind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Without SO_REUSEADDR the port would sit in TIME_WAIT and the service could not bind it.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + LOOPBACK + ":" + port, e);
        }
    }

    private static int ephemeralStart() {
        try {
            // Files.readString trusts the file's size, which procfs gives as 0: read lines instead.
            String firstLine = Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).get(0);
            String[] range = firstLine.trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
