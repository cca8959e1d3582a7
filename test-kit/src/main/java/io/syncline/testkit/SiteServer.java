package io.syncline.testkit;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A private database server of one embedded site, whatever its engine: where it listens, who may
 * log in, and its life cycle. {@link PostgresServer} and {@link MariaDbServer} are the two kinds.
 *
 * <pre>{@code
 * SiteServer b = stack.site("b");
 * try (Connection c = b.connect()) { ... }
 * }</pre>
 */
public interface SiteServer extends AutoCloseable {

    /** The engine's short name as {@code --sites} spells it: {@code postgres} or {@code mariadb}. */
    String engine();

    String host();

    int port();

    /** The database (for MariaDB: the default database of a connection) created at start. */
    String database();

    String user();

    /** The password of {@link #user()}; never log it. */
    String password();

    String jdbcUrl();

    /** Opens a new connection as {@link #user()}; the caller closes it. */
    Connection connect() throws SQLException;

    /** The server process id. */
    long pid();

    boolean isRunning();

    /** Stops the server and waits for it; the data stays. */
    void stop();

    /** Starts the server again on the same data and port. */
    void startAgain();

    @Override
    void close();
}
