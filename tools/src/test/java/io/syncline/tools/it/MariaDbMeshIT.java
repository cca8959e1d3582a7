package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL and a MariaDB site on the real stack: inserts, updates, deletes and primary-key
 * changes written at either site arrive at the other, and nothing echoes back.
 */
class MariaDbMeshIT {

    private static final String TABLE = "public.mixed_items";
    private static final String PG_SCHEMA = "CREATE TABLE public.mixed_items (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL, qty integer)";
    private static final String MARIADB_SCHEMA = "CREATE TABLE mixed_items (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL, qty int)";

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "mix" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:mariadb").withGroup(group));
        System.out.println("MariaDbMeshIT embedded stack started in " + stack.startupTime().toMillis() + " ms");
        stack.applySql(PG_SCHEMA, MARIADB_SCHEMA);
        long startedAt = System.nanoTime();
        stack.startSync(List.of(TABLE), Map.of());
        System.out.println("MariaDbMeshIT sync started in " + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void changesFlowBothWaysBetweenPostgresAndMariaDb() throws Exception {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            execute(a, "INSERT INTO public.mixed_items VALUES (1, 'from a', 10), (2, 'also a', NULL)");
            execute(b, "INSERT INTO mixed_items VALUES (3, 'from b', 30)");
            awaitSame(a, b, "1|from a|10,2|also a|null,3|from b|30");

            execute(b, "UPDATE mixed_items SET qty = 11 WHERE id = 1");
            execute(a, "DELETE FROM public.mixed_items WHERE id = 2");
            execute(b, "UPDATE mixed_items SET id = 4 WHERE id = 3");
            awaitSame(a, b, "1|from a|11,4|from b|30");

            execute(a, "UPDATE public.mixed_items SET name = 'ünïcødé 🚀' WHERE id = 4");
            awaitSame(a, b, "1|from a|11,4|ünïcødé 🚀|30");
            assertThat(stack.failures()).isEmpty();
        }
    }

    private static void awaitSame(Connection a, Connection b, String expected) {
        Deadlines.await("both sites hold " + expected, Duration.ofSeconds(90),
                () -> expected.equals(rows(a, "public.mixed_items")) && expected.equals(rows(b, "mixed_items")),
                () -> "a " + StackSql.quietly(() -> rows(a, "public.mixed_items")) + ", b "
                        + StackSql.quietly(() -> rows(b, "mixed_items")) + ", failures " + stack.failures());
    }

    private static String rows(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, name, qty FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return String.join(",", rows);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

}
