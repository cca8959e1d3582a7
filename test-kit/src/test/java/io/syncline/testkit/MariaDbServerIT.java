package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A private MariaDB server from the installed binaries: binlog as the capture needs it, restartable. */
class MariaDbServerIT {

    @Test
    void startsWithRowBinlogAndSurvivesARestart() throws Exception {
        Path workDir = Files.createTempDirectory(Path.of("/tmp"), "mariadb-it-");
        long startedAt = System.nanoTime();
        try (MariaDbServer server = MariaDbServer.start(workDir, "public", 4242)) {
            System.out.printf("MariaDbServer start-up: %d ms%n", EmbeddedKafka.elapsedMillis(startedAt));
            assertThat(server.jdbcUrl()).startsWith("jdbc:mariadb://127.0.0.1:");
            assertThat(server.engine()).isEqualTo("mariadb");
            try (Connection c = server.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, "
                            + "@@server_id, @@time_zone, @@character_set_server, DATABASE()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("ROW");
                assertThat(rs.getString(3)).isEqualTo("FULL");
                assertThat(rs.getLong(4)).isEqualTo(4242);
                assertThat(rs.getString(5)).isEqualTo("+00:00");
                assertThat(rs.getString(6)).isEqualTo("utf8mb4");
                assertThat(rs.getString(7)).isEqualTo("public");
                st.execute("CREATE TABLE kept (id int PRIMARY KEY)");
                st.execute("INSERT INTO kept VALUES (7)");
            }
            long stoppedAt = System.nanoTime();
            server.stop();
            assertThat(server.isRunning()).isFalse();
            server.startAgain();
            System.out.printf("MariaDbServer restart: %d ms%n", EmbeddedKafka.elapsedMillis(stoppedAt));
            try (Connection c = server.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        } finally {
            FileTree.deleteQuietly(workDir);
        }
    }
}
