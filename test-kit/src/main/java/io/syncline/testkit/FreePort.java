package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Finds TCP ports on the loopback interface that nothing listens on right now.
 *
 * <p>The operating system picks the port (bind to port 0), so two callers in parallel get
 * different ports. The port is released before it is returned: a process started a moment
 * later binds it, and in the rare case another process got there first, that start fails
 * with "address already in use".
 *
 * <pre>{@code
 * int port = FreePort.onLoopback();
 * String listener = "PLAINTEXT://127.0.0.1:" + port;
 * }</pre>
 */
public final class FreePort {

    /** The loopback address every embedded service binds to. */
    public static final String LOOPBACK = "127.0.0.1";

    private FreePort() {
    }

    /**
     * Returns a port on 127.0.0.1 that was free at the time of the call.
     *
     * @throws UncheckedIOException if the operating system has no free port to give
     */
    public static int onLoopback() {
        try (ServerSocket socket = new ServerSocket()) {
            // Without SO_REUSEADDR the port would sit in TIME_WAIT and the service could not bind it.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on " + LOOPBACK + "; nothing can be started", e);
        }
    }
}
