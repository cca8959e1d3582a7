package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * One private PostgreSQL server shared by the tests of a class. Tests isolate themselves with
 * fresh databases (a site is a whole database) or random table names, never by order.
 */
final class PrivatePostgres implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path workDir;
    private final PostgresServer server;

    private PrivatePostgres(Path workDir, PostgresServer server) {
        this.workDir = workDir;
        this.server = server;
    }

    /** Starts a server in a folder the server's OS user can traverse (it does not run as root). */
    static PrivatePostgres start() throws IOException {
        Path workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            return new PrivatePostgres(workDir, PostgresServer.start(workDir, "sites"));
        } catch (RuntimeException | Error e) {
            Files.deleteIfExists(workDir);
            throw e;
        }
    }

    /** Creates an empty database and returns its name: a new, not yet installed site. */
    String newDatabase() throws SQLException {
        String name = uniqueName("site");
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database,
                server.user(), server.password());
    }

    /** A lower-case name no other test uses, e.g. {@code t_3f9a0c1b2d}. */
    static String uniqueName(String prefix) {
        return prefix + "_" + Long.toHexString(RANDOM.nextLong() & 0xff_ffff_ffffL);
    }

    static void execute(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** The first column of the single row of a query, as text (null for SQL NULL). */
    static String single(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row from %s", sql).isTrue();
                String value = rs.getString(1);
                assertThat(rs.next()).as("only one row from %s", sql).isFalse();
                return value;
            }
        }
    }

    /** A row's meta entry at a site. */
    record Meta(String vv, long hlc, String origin, long seq, boolean deleted) {
    }

    static Optional<Meta> meta(Connection c, String table, String pk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT vv, hlc, origin, seq, deleted FROM syncline.row_meta WHERE table_name = ? AND pk = ?")) {
            ps.setString(1, table);
            ps.setString(2, pk);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Meta(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4),
                        rs.getBoolean(5)));
            }
        }
    }

    static Meta requireMeta(Connection c, String table, String pk) throws SQLException {
        return meta(c, table, pk).orElseThrow(() -> new AssertionError("no meta entry for " + table + "[" + pk + "]"));
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(workDir);
    }
}
