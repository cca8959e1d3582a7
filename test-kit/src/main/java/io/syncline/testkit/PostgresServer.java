package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private, throwaway PostgreSQL server started from the machine's installed server programs,
 * with logical decoding on, listening on a free port on 127.0.0.1.
 *
 * <p>It holds one database owned by a login role {@code syncline} (a superuser, which is what a
 * development stack needs for replication slots and publications) with a random password;
 * TCP connections must give that password, only the local socket is trusted. Durability is
 * traded for speed ({@code fsync=off}, {@code full_page_writes=off}, and {@code wal_init_zero=off}: a
 * new WAL segment is not zero-filled first; under the bench's load the writer waited on that
 * {@code WALInitWrite}): the data is meant to live as long as the test. Commits stay synchronous, so
 * a commit's WAL reaches the capture at once.
 *
 * <pre>{@code
 * try (PostgresServer east = PostgresServer.start(workDir, "shop");
 *      Connection connection = east.connect()) {
 *     connection.createStatement().execute("CREATE TABLE orders (id int PRIMARY KEY)");
 * }
 * }</pre>
 */
public final class PostgresServer implements SiteServer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final String SUPERUSER = "postgres";
    private static final String USER = "syncline";
    /** Unix socket paths are limited to about 107 bytes. */
    private static final int MAX_SOCKET_DIR_LENGTH = 80;

    private final PostgresBinaries binaries;
    private final Path instanceDir;
    private final Path socketDir;
    private final int port;
    private final String database;
    private final String password;
    private boolean running;

    private PostgresServer(PostgresBinaries binaries, Path instanceDir, Path socketDir, int port,
                           String database, String password) {
        this.binaries = binaries;
        this.instanceDir = instanceDir;
        this.socketDir = socketDir;
        this.port = port;
        this.database = database;
        this.password = password;
    }

    /**
     * Creates a cluster in a new folder under {@code workDir}, starts it and creates
     * {@code database} with its owner {@code syncline}.
     *
     * @throws IllegalStateException if no server is installed or it does not start; the
     *     message holds the server's log and nothing is left running
     */
    public static PostgresServer start(Path workDir, String database) {
        return start(workDir, database, 0);
    }

    /**
     * Like {@link #start(Path, String)}, with a server of major version {@code major} (installed, or
     * bundled on the classpath: see {@link BundledPostgres}); {@code 0} for the newest installed.
     *
     * @throws IllegalStateException if there is no server of that version; the message says what to install
     */
    public static PostgresServer start(Path workDir, String database, int major) {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(database, "database");
        if (database.isBlank()) {
            throw new IllegalArgumentException("database was blank, must name the database to create");
        }
        long startedAt = System.nanoTime();
        PostgresBinaries binaries = PostgresBinaries.find(major);
        Path instanceDir = PostgresBinaries.FOLDERS.create(workDir, "postgres-");
        Path socketDir = instanceDir.toAbsolutePath().toString().length() <= MAX_SOCKET_DIR_LENGTH
                ? instanceDir
                : PostgresBinaries.FOLDERS.createShortSocketFolder("pgsock-");
        PostgresServer server = new PostgresServer(binaries, instanceDir, socketDir, FreePort.onLoopback(),
                database, ServerFolders.randomPassword());
        try {
            String superuserPassword = ServerFolders.randomPassword();
            server.initialize(workDir, superuserPassword);
            server.startAgain();
            server.createDatabase(superuserPassword);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("PostgreSQL started on {}:{} in {} ms (database {}, user {}, bin {}, data {})",
                server.host(), server.port, EmbeddedKafka.elapsedMillis(startedAt), database, USER,
                binaries.binDir(), server.dataDir());
        return server;
    }

    /** The server's major version, e.g. {@code 17}, as it reports it. */
    public int majorVersion() {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10_000;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on port " + port + " does not say its version: "
                    + e.getMessage(), e);
        }
    }

    /** {@code postgres}. */
    @Override
    public String engine() {
        return "postgres";
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return FreePort.LOOPBACK;
    }

    /** The TCP port, the same across {@link #stop()} and {@link #startAgain()}. */
    public int port() {
        return port;
    }

    /** The database created at start. */
    public String database() {
        return database;
    }

    /** The login role that owns the database. */
    public String user() {
        return USER;
    }

    /** The password of {@link #user()}; never log it. */
    public String password() {
        return password;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** Opens a new connection to the database as {@link #user()}; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect(database, USER, password);
    }

    /**
     * The process id of the running postmaster, read from {@code postmaster.pid}.
     *
     * @throws IllegalStateException if the server is not running
     */
    public long pid() {
        Path pidFile = dataDir().resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is not running (no readable "
                    + pidFile + ")", e);
        }
    }

    /** Whether the server was started and not stopped since. */
    public synchronized boolean isRunning() {
        return running;
    }

    /** Stops the server (fast shutdown: open sessions are ended) and waits for it; the data stays. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        long startedAt = System.nanoTime();
        binaries.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dataDir().toString(), "-m", "fast", "-w",
                "-t", String.valueOf(PG_CTL_TIMEOUT.toSeconds() - 10), "stop");
        running = false;
        LOG.info("PostgreSQL on port {} stopped in {} ms", port, EmbeddedKafka.elapsedMillis(startedAt));
    }

    /**
     * Starts the server again on the same data and port, and waits until it accepts connections.
     *
     * @throws IllegalStateException if it does not start; the message holds the server's log
     */
    public synchronized void startAgain() {
        if (running) {
            return;
        }
        long startedAt = System.nanoTime();
        String options = "-p " + port
                + " -k '" + socketDir.toAbsolutePath() + "'"
                + " -c listen_addresses=" + FreePort.LOOPBACK
                + " -c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20"
                + " -c fsync=off -c full_page_writes=off -c wal_init_zero=off -c max_connections=200";
        try {
            binaries.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dataDir().toString(), "-w",
                    "-t", String.valueOf(PG_CTL_TIMEOUT.toSeconds() - 10), "-l", logFile().toString(),
                    "-o", options, "start");
        } catch (ProcessRunner.ProcessFailedException e) {
            throw new IllegalStateException("PostgreSQL on port " + port + " did not start; server log "
                    + logFile() + ":\n" + serverLog(), e);
        }
        running = true;
        LOG.debug("PostgreSQL on port {} accepted connections after {} ms", port,
                EmbeddedKafka.elapsedMillis(startedAt));
    }

    /** Stops the server if it runs and deletes its folder. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("PostgreSQL on port {} did not stop cleanly; deleting its folder anyway", port, e);
        } finally {
            FileTree.deleteQuietly(instanceDir);
            if (!socketDir.equals(instanceDir)) {
                FileTree.deleteQuietly(socketDir);
            }
        }
    }

    private void initialize(Path workDir, String superuserPassword) {
        Path passwordFile = instanceDir.resolve("superuser.pw");
        try {
            Files.writeString(passwordFile, superuserPassword, StandardCharsets.UTF_8);
            binaries.handOver(workDir, instanceDir);
            if (!socketDir.equals(instanceDir)) {
                binaries.handOver(socketDir.getParent(), socketDir);
            }
            // Trust only the local socket; TCP needs the password, so a wrong one is really refused.
            binaries.run(INITDB_TIMEOUT, "initdb", "-D", dataDir().toString(), "-U", SUPERUSER,
                    "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                    "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the PostgreSQL folder " + instanceDir, e);
        } finally {
            try {
                Files.deleteIfExists(passwordFile);
            } catch (IOException e) {
                LOG.warn("Could not delete {}; remove it by hand", passwordFile);
            }
        }
    }

    private void createDatabase(String superuserPassword) {
        try (Connection connection = connect("postgres", SUPERUSER, superuserPassword);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + USER + " LOGIN SUPERUSER REPLICATION PASSWORD '" + password + "'");
            // The role shares its name with Syncline's schema; without this, "$user" in the default
            // search_path would put the user's unqualified tables into the syncline schema.
            statement.execute("ALTER ROLE " + USER + " SET search_path = public");
            if (!"postgres".equals(database)) {
                statement.execute("CREATE DATABASE " + quoteIdentifier(database) + " OWNER " + USER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " on port " + port
                    + ": " + e.getMessage(), e);
        }
    }

    private Connection connect(String db, String user, String secret) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", secret);
        props.setProperty("ApplicationName", "syncline-embedded");
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port + "/" + db, props);
    }

    private Path dataDir() {
        return instanceDir.resolve("data");
    }

    private Path logFile() {
        return instanceDir.resolve("postgres.log");
    }

    private String serverLog() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
