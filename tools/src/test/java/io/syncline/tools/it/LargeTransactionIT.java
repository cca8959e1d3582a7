package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One statement that inserts 50,000 rows in one source transaction, on the real stack: every row
 * arrives at site b, and the capture never holds more than a handful of changes waiting for their
 * partners (the BEFORE ROW capture trigger writes each meta change just before its row).
 */
class LargeTransactionIT {

    private static final String TABLE = "public.bulk_rows";
    private static final int ROWS = 50_000;

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "bulk" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        stack.applySql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, qty integer NOT NULL, note text NOT NULL)");
        stack.startSync(List.of(TABLE), Map.of());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aFiftyThousandRowStatementSyncsWithTheCaptureBufferBounded() throws Exception {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            try (Statement st = a.createStatement()) {
                assertThat(st.executeUpdate("INSERT INTO " + TABLE + " SELECT g, g % 1000, rpad('row ' || g, 80, '.') "
                        + "FROM generate_series(1, " + ROWS + ") g")).isEqualTo(ROWS);
            }
            Deadlines.await("site b has the " + ROWS + " rows of one statement at a", Duration.ofSeconds(300),
                    () -> count(b) == ROWS, () -> "b has " + quietCount(b) + ", failures " + stack.failures());
            assertThat(checksum(b)).isEqualTo(checksum(a));

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> sources = server.queryNames(new ObjectName(
                    "io.syncline:type=connector-metrics,context=source,connector=syncline-" + stack.group() + "-a-source,*"), null);
            assertThat(sources).hasSize(1);
            ObjectName source = sources.iterator().next();
            assertThat((Long) server.getAttribute(source, "Emitted")).isGreaterThanOrEqualTo(ROWS);
            assertThat((Integer) server.getAttribute(source, "PairingBufferedPeak"))
                    .as("changes that waited for their partner at once, for one statement of %d rows", ROWS)
                    .isPositive().isLessThanOrEqualTo(16);
            assertThat((Integer) server.getAttribute(source, "PairingBuffered")).isZero();
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quietCount(Connection c) {
        try {
            return Long.toString(count(c));
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static String checksum(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) || ':' || sum(hashtext(t::text)::bigint) FROM " + TABLE + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
