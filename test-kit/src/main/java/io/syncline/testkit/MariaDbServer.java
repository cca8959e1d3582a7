package io.syncline.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private, throwaway MariaDB server started from the machine's installed server programs
 * ({@code mariadb-install-db}, {@code mariadbd}), listening on a free port on 127.0.0.1, with the
 * binary log on in ROW format with full row images (what Debezium's MariaDB connector reads),
 * its own server id, UTC as the session time zone and utf8mb4 throughout.
 *
 * <p>It holds one database and a login {@code syncline} with a random password and every
 * privilege (replication included), which is what a development stack needs. Runs as the
 * {@code mysql} OS user when this JVM runs as root. Durability is traded for speed.
 *
 * <pre>{@code
 * try (MariaDbServer b = MariaDbServer.start(workDir, "public", 2);
 *      Connection connection = b.connect()) {
 *     connection.createStatement().execute("CREATE TABLE orders (id int PRIMARY KEY)");
 * }
 * }</pre>
 */
public final class MariaDbServer implements SiteServer {

    static final String OS_USER = "mysql";
    private static final ServerFolders FOLDERS = ServerFolders.forUser(OS_USER, "MariaDB");
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final String USER = "syncline";
    private static final int MAX_SOCKET_PATH_LENGTH = 100;
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(100);

    private final Path instanceDir;
    private final Path socket;
    private final int port;
    private final int serverId;
    private final String database;
    private final String password;
    private final boolean asRoot;
    private final List<String> serverOptions;
    private Process process;

    private MariaDbServer(Path instanceDir, Path socket, int port, int serverId, String database, String password,
            boolean asRoot, List<String> serverOptions) {
        this.serverOptions = List.copyOf(serverOptions);
        this.instanceDir = instanceDir;
        this.socket = socket;
        this.port = port;
        this.serverId = serverId;
        this.database = database;
        this.password = password;
        this.asRoot = asRoot;
    }

    /** Like {@link #start(Path, String, int)} with a server id unique in this JVM. */
    public static MariaDbServer start(Path workDir, String database) {
        return start(workDir, database, nextServerId());
    }

    /** A binary-log server id no other server started by this JVM has. */
    public static int nextServerId() {
        return SERVER_IDS.incrementAndGet();
    }

    /**
     * Installs a data folder under {@code workDir}, starts the server and creates {@code database}
     * and the login {@code syncline}.
     *
     * @param serverId the binary log's server id (unique within a mesh)
     * @throws IllegalStateException if no server is installed or it does not start; the message
     *     holds the server's error log and nothing is left running
     */
    public static MariaDbServer start(Path workDir, String database, int serverId) {
        return start(workDir, database, serverId, List.of());
    }

    /**
     * Like {@link #start(Path, String, int)}, with more options on the server's command line, kept
     * across {@link #startAgain()}, e.g. {@code --auto-increment-increment=16}.
     */
    public static MariaDbServer start(Path workDir, String database, int serverId, List<String> serverOptions) {
        Objects.requireNonNull(workDir, "workDir");
        for (String option : serverOptions) {
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("server option was '" + option + "', must start with --");
            }
        }
        Objects.requireNonNull(database, "database");
        if (!database.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("database was '" + database + "', must be 1 to 64 of [A-Za-z0-9_]");
        }
        long startedAt = System.nanoTime();
        Path instanceDir = FOLDERS.create(workDir, "mariadb-");
        Path socket = instanceDir.toAbsolutePath().resolve("mariadb.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH_LENGTH) {
            socket = FOLDERS.createShortSocketFolder("mdbsock-").resolve("mariadb.sock");
        }
        MariaDbServer server = new MariaDbServer(instanceDir, socket, FreePort.onLoopback(), serverId, database,
                ServerFolders.randomPassword(), FOLDERS.asRoot(), serverOptions);
        try {
            server.install(workDir);
            server.startAgain();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("MariaDB started on {}:{} in {} ms (database {}, user {}, server id {}, data {})", server.host(),
                server.port, EmbeddedKafka.elapsedMillis(startedAt), database, USER, serverId, server.dataDir());
        return server;
    }

    @Override
    public String engine() {
        return "mariadb";
    }

    @Override
    public String host() {
        return FreePort.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return password;
    }

    /** The binary log's server id. */
    public int serverId() {
        return serverId;
    }

    /** {@code jdbc:mariadb://127.0.0.1:<port>/<database>}. */
    @Override
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host() + ":" + port + "/" + database;
    }

    @Override
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    @Override
    public long pid() {
        Path pidFile = instanceDir.resolve("mariadb.pid");
        try {
            return Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("MariaDB on port " + port + " is not running (no readable " + pidFile
                    + ")", e);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the server (SIGTERM: a clean shutdown) and waits for it; the data stays. */
    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        long startedAt = System.nanoTime();
        Optional<ProcessHandle> server = readPid().flatMap(ProcessHandle::of);
        server.ifPresent(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                server.ifPresent(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (server.isPresent()) {
                server.get().onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping MariaDB on port " + port, e);
        } catch (Exception e) {
            server.ifPresent(ProcessHandle::destroyForcibly);
            LOG.warn("MariaDB on port {} did not stop within {} s and was killed", port, STOP_TIMEOUT.toSeconds());
        }
        process = null;
        LOG.info("MariaDB on port {} stopped in {} ms", port, EmbeddedKafka.elapsedMillis(startedAt));
    }

    /**
     * Starts the server on the same data and port and waits until {@code syncline} can log in.
     *
     * @throws IllegalStateException if it does not start; the message holds the error log
     */
    @Override
    public synchronized void startAgain() {
        if (isRunning()) {
            return;
        }
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.addAll(List.of(serverProgram(), "--no-defaults",
                "--datadir=" + dataDir(), "--port=" + port, "--bind-address=" + FreePort.LOOPBACK,
                "--socket=" + socket, "--pid-file=" + instanceDir.resolve("mariadb.pid"),
                "--tmpdir=" + tmpDir(), "--log-error=" + errorLog(), "--init-file=" + initFile(),
                "--log-bin=" + dataDir().resolve("binlog"), "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--server-id=" + serverId, "--log-bin-trust-function-creators=1", "--default-time-zone=+00:00",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_bin", "--skip-name-resolve",
                "--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0", "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=16M", "--max-connections=200", "--skip-log-warnings"));
        command.addAll(serverOptions);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(instanceDir.resolve("mariadbd.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(asRoot ? 4 : 0) + ": " + e.getMessage(), e);
        }
        try {
            Deadlines.await("MariaDB on port " + port + " accepts logins", START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("MariaDB on port " + port + " exited with status "
                            + process.exitValue() + "; error log " + errorLog() + ":\n" + serverLog());
                }
                try (Connection c = connect()) {
                    return c.isValid(2);
                }
            }, this::serverLog);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("MariaDB on port {} did not stop cleanly; deleting its folder anyway", port, e);
        } finally {
            FileTree.deleteQuietly(instanceDir);
            if (!socket.getParent().equals(instanceDir.toAbsolutePath())) {
                FileTree.deleteQuietly(socket.getParent());
            }
        }
    }

    private void install(Path workDir) {
        try {
            // Runs at every start: the login and its password are ensured, not assumed.
            Files.writeString(initFile(), String.join("\n",
                    "CREATE DATABASE IF NOT EXISTS `" + database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;",
                    "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + password + "';",
                    "CREATE USER IF NOT EXISTS '" + USER + "'@'localhost' IDENTIFIED BY '" + password + "';",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'localhost' WITH GRANT OPTION;",
                    "FLUSH PRIVILEGES;", ""), StandardCharsets.UTF_8);
            Files.createDirectories(tmpDir());
            FOLDERS.handOver(workDir, instanceDir);
            if (!socket.getParent().equals(instanceDir.toAbsolutePath())) {
                FOLDERS.handOver(socket.getParent().getParent(), socket.getParent());
            }
            List<String> command = new ArrayList<>(List.of(installProgram(), "--no-defaults",
                    "--datadir=" + dataDir(), "--auth-root-authentication-method=socket", "--skip-test-db",
                    "--skip-name-resolve", "--tmpdir=" + tmpDir()));
            if (asRoot) {
                command.add("--user=" + OS_USER);
            }
            ProcessRunner.run(INSTALL_TIMEOUT, command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the MariaDB folder " + instanceDir, e);
        }
    }

    private Optional<Long> readPid() {
        try {
            return Optional.of(pid());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * The server's own folder for temporary tables: in the shared /tmp, two bootstraps running at once
     * (several sites start in parallel, beside the machine's own server) were seen to trip over each
     * other's temporary files ("Unknown table 'mysql.tmp_user_sys'").
     */
    private Path tmpDir() {
        return instanceDir.resolve("tmp");
    }

    private Path dataDir() {
        return instanceDir.toAbsolutePath().resolve("data");
    }

    private Path errorLog() {
        return instanceDir.toAbsolutePath().resolve("mariadb.err");
    }

    private Path initFile() {
        return instanceDir.toAbsolutePath().resolve("init.sql");
    }

    private String serverLog() {
        try {
            List<String> lines = Files.readAllLines(errorLog(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no error log: " + e.getMessage() + ")";
        }
    }

    private static String serverProgram() {
        for (String candidate : List.of("/usr/sbin/mariadbd", "/usr/bin/mariadbd", "/usr/local/bin/mariadbd")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no MariaDB server found (no mariadbd in /usr/sbin, /usr/bin or "
                + "/usr/local/bin); install the mariadb-server package");
    }

    private static String installProgram() {
        for (String candidate : List.of("/usr/bin/mariadb-install-db", "/usr/local/bin/mariadb-install-db",
                "/usr/bin/mysql_install_db")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no mariadb-install-db found; install the mariadb-server package");
    }
}
