package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bench's arrival watch against a real PostgreSQL server: it counts exactly the ids of its
 * range that are present, whatever order they arrive in, never ids outside the range, and says
 * "all" only when the last gap is filled.
 */
class ArrivalWatchIT {

    private static Path workDir;
    private static PostgresServer server;

    @BeforeAll
    static void startServer() throws IOException {
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        server = PostgresServer.start(workDir, "arrivals");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + workDir + ": " + e);
        }
    }

    @Test
    void countsOnlyItsRangeAndSeesAllOnlyWhenTheLastGapIsFilled() throws Exception {
        BenchTable table = new BenchTable("public.arrivals");
        long first = 1_001;
        long last = first + 3 * ArrivalWatch.STEP + 122; // four steps, the last one partial
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute(table.schema());
            // Ids just outside the range at both ends are never counted.
            insert(c, table, first - 10, first - 1);
            insert(c, table, last + 1, last + 10);
            ArrivalWatch watch = new ArrivalWatch(table, first, last);
            assertThat(watch.size()).isEqualTo(last - first + 1);
            assertThat(watch.arrived(c)).isZero();

            // The second half first, then the first half but one id in the first step.
            long middle = first + 2 * ArrivalWatch.STEP;
            insert(c, table, middle, last);
            assertThat(watch.arrived(c)).as("nothing below the first gap").isZero();
            insert(c, table, first, middle - 1);
            st.execute("DELETE FROM " + table.quoted() + " WHERE id = " + (first + 7));
            assertThat(watch.arrived(c)).as("the first step but its gap").isEqualTo(ArrivalWatch.STEP - 1);
            assertThat(watch.all(c)).isFalse();

            insert(c, table, first + 7, first + 7);
            assertThat(watch.all(c)).isTrue();
            assertThat(watch.arrived(c)).isEqualTo(watch.size());
        }
    }

    @Test
    void refusesAnEmptyRange() {
        assertThatThrownBy(() -> new ArrivalWatch(new BenchTable("public.arrivals"), 5, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5..4");
    }

    private static void insert(Connection c, BenchTable table, long from, long to) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(table.insertSql())) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            ps.executeUpdate();
        }
    }
}
