package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerIT {

    @TempDir
    Path workDir;

    @Test
    void startsTwoPrivateServersInParallel() throws Exception {
        long startedAt = System.nanoTime();
        CompletableFuture<PostgresServer> east = CompletableFuture.supplyAsync(
                () -> timed("east", () -> PostgresServer.start(workDir, "shop")));
        CompletableFuture<PostgresServer> west = CompletableFuture.supplyAsync(
                () -> timed("west", () -> PostgresServer.start(workDir, "shop")));
        try (PostgresServer first = east.join(); PostgresServer second = west.join()) {
            System.out.printf("PostgresServer both started (parallel): %d ms%n", EmbeddedKafka.elapsedMillis(startedAt));
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.pid()).isNotEqualTo(second.pid());
            for (PostgresServer server : new PostgresServer[] {first, second}) {
                try (Connection connection = server.connect()) {
                    assertThat(single(connection, "SHOW wal_level")).isEqualTo("logical");
                    assertThat(single(connection, "SELECT current_database()")).isEqualTo("shop");
                    assertThat(single(connection, "SELECT current_user")).isEqualTo(server.user());
                }
            }
        }
    }

    @Test
    void startsTheBundledServerOfAnotherMajorVersionBesideTheInstalledOne() throws Exception {
        int bundled = BundledPostgres.onClasspath().orElseThrow().major();
        try (PostgresServer server = PostgresServer.start(workDir, "shop", bundled);
             Connection connection = server.connect()) {
            assertThat(server.majorVersion()).isEqualTo(bundled);
            assertThat(single(connection, "SHOW wal_level")).isEqualTo("logical");
            // The capture's plugin is there, and the filters Syncline uses on 16 and later work.
            single(connection, "SELECT lsn::text FROM pg_create_logical_replication_slot('probe', 'pgoutput')");
            single(connection, "SELECT count(*) FROM pg_logical_slot_peek_binary_changes('probe', NULL, NULL, "
                    + "'proto_version', '1', 'publication_names', 'none', 'origin', 'none', 'messages', 'true')");
        }
        assertThatThrownBy(() -> PostgresServer.start(workDir, "shop", 9))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no PostgreSQL 9 server");
    }

    @Test
    void refusesWrongPassword() {
        try (PostgresServer server = PostgresServer.start(workDir, "shop")) {
            assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), server.user(), "not-the-password"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), "postgres", ""))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void keepsDataAcrossStopAndStartAgain() throws Exception {
        try (PostgresServer server = PostgresServer.start(workDir, "shop")) {
            try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE orders (id int PRIMARY KEY, item text)");
                statement.execute("INSERT INTO orders VALUES (1, 'apple')");
            }
            long pidBefore = server.pid();

            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(server::connect).isInstanceOf(SQLException.class);

            long restartedAt = System.nanoTime();
            server.startAgain();
            System.out.printf("PostgresServer restart: %d ms%n", EmbeddedKafka.elapsedMillis(restartedAt));
            assertThat(server.pid()).isNotEqualTo(pidBefore);
            try (Connection connection = server.connect()) {
                assertThat(single(connection, "SELECT item FROM orders WHERE id = 1")).isEqualTo("apple");
            }
        }
        assertThat(workDir).isEmptyDirectory();
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from %s", sql).isTrue();
            return rows.getString(1);
        }
    }

    private static PostgresServer timed(String name, Supplier<PostgresServer> start) {
        long startedAt = System.nanoTime();
        PostgresServer server = start.get();
        System.out.printf("PostgresServer %s start-up: %d ms%n", name, EmbeddedKafka.elapsedMillis(startedAt));
        return server;
    }
}
