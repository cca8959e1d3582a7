package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A site whose table shape changed under its running sink, on the real stack: site b drops a column
 * after its sink has cached the table's shape, then meets a conflict on that table. Resolving it reads
 * the local row with the statement of the cached shape, which names the dropped column; the site's
 * engine reports that as a stale shape, the sink reads the shapes again and applies, and both sites
 * converge. Site a is PostgreSQL; one subclass per engine of site b.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StaleTableShapeIT {

    private static final String TABLE = "public.reshaped";
    /** The same statement suits both engines: a MariaDB site keeps table public.t in database public. */
    private static final String SCHEMA = "CREATE TABLE public.reshaped (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL, legacy varchar(100))";
    private static final int ROWS = 20;

    private EmbeddedStack stack;

    /** The engine of site b: {@code postgres} or {@code mariadb}. */
    abstract String engineOfB();

    @BeforeAll
    void startStack() {
        String group = "shape" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:" + engineOfB()).withGroup(group));
        stack.applySql(SCHEMA);
        stack.startSync(List.of(TABLE), Map.of());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aConflictOnATableWhoseColumnWasDroppedUnderTheSinkIsAppliedOnFreshShapes() throws Exception {
        for (int id = 1; id <= ROWS; id++) {
            execute("a", "INSERT INTO " + TABLE + " (id, name, legacy) VALUES (" + id + ", 'row " + id + "', 'old')");
        }
        // b's sink applies them, and caches the table's shape with the column legacy.
        Deadlines.await("b holds a's " + ROWS + " rows", Duration.ofSeconds(90),
                () -> query("b", "SELECT count(*) FROM " + TABLE).equals(Integer.toString(ROWS)),
                () -> "failures " + stack.failures());
        execute("a", "ALTER TABLE " + TABLE + " DROP COLUMN legacy");
        execute("b", "ALTER TABLE " + TABLE + " DROP COLUMN legacy");

        // Concurrent versions of row 7: each sink paused while both sites write it.
        List<String> sinks = List.of(sink("a"), sink("b"));
        StackConnectors.pauseAndAwait(stack, sinks);
        execute("b", "UPDATE " + TABLE + " SET name = 'written at b' WHERE id = 7");
        execute("a", "UPDATE " + TABLE + " SET name = 'written at a' WHERE id = 7");
        sinks.forEach(stack.rest()::resumeConnector);

        Deadlines.await("b logged the conflict on row 7 and both sites hold the same row", Duration.ofSeconds(90),
                () -> {
                    assertThat(stack.failures()).as("failed connectors and tasks").isEmpty();
                    return !query("b", "SELECT count(*) FROM syncline.conflicts WHERE table_name = '" + TABLE
                            + "' AND pk = '7'").equals("0") && name("a", 7).equals(name("b", 7));
                },
                () -> "a has '" + StackSql.quietly(() -> name("a", 7)) + "', b has '" + StackSql.quietly(() -> name("b", 7))
                        + "', failures " + stack.failures());
        execute("a", "UPDATE " + TABLE + " SET name = 'after' WHERE id = 8");
        Deadlines.await("b applies a's next change", Duration.ofSeconds(60), () -> name("b", 8).equals("after"),
                () -> "failures " + stack.failures());
        assertThat(stack.failures()).isEmpty();
    }

    private String sink(String site) {
        return stack.sinkConnector(site, List.of()).name();
    }

    private String name(String site, long id) throws SQLException {
        return query(site, "SELECT name FROM " + TABLE + " WHERE id = " + id);
    }

    private void execute(String site, String sql) throws SQLException {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private String query(String site, String sql) throws SQLException {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "<no row>";
        }
    }

}
