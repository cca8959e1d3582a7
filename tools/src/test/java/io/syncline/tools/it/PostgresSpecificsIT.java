package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.TableRef;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL specifics on the real stack (KRaft broker, Connect worker, two PostgreSQL sites):
 * large TOASTed values that an update leaves unchanged are never written as Debezium's placeholder
 * (the installer sets REPLICA IDENTITY FULL, and a table someone reset to DEFAULT keeps the target's
 * value); primary-key updates, also of a freed key and racing an update of the old key, converge.
 */
class PostgresSpecificsIT {

    private static final String DOCS = "public.docs";
    private static final String RESET = "public.docs_reset";
    private static final String KEYS = "public.keyed";
    private static final String PLACEHOLDER = "__debezium_unavailable_value";
    /** About 200 kB of incompressible text: stored out of line (TOAST) even after compression. */
    private static final String LARGE_TEXT = "(SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, 6000) g)";

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "pgspec" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        stack.applySql("""
                CREATE TABLE public.docs (id bigint PRIMARY KEY, title text, body text, doc jsonb, blob bytea);
                CREATE TABLE public.docs_reset (id bigint PRIMARY KEY, title text, body text, doc jsonb, blob bytea);
                CREATE TABLE public.keyed (id bigint PRIMARY KEY, name text, n integer);
                """);
        stack.startSync(List.of(DOCS, RESET, KEYS), Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theInstallerSetsReplicaIdentityFullOnEverySyncedTable() throws Exception {
        for (String site : List.of("a", "b")) {
            for (String table : List.of(DOCS, KEYS)) {
                assertThat(StackSql.query(stack, site, "SELECT relreplident::text FROM pg_class WHERE oid = '" + table + "'::regclass"))
                        .as("replica identity of %s at %s", table, site).isEqualTo("f");
            }
        }
    }

    @Test
    void unchangedToastedValuesArriveWholeNeverAsThePlaceholder() throws Exception {
        exec("a", "INSERT INTO " + DOCS + " SELECT g, 'title ' || g, " + LARGE_TEXT + ", jsonb_build_object('big', "
                + LARGE_TEXT + "), convert_to(" + LARGE_TEXT + ", 'UTF8') FROM generate_series(1, 5) g");
        assertThat(StackSql.query(stack, "a", "SELECT pg_relation_size(reltoastrelid) > 0 FROM pg_class WHERE oid = '" + DOCS
                + "'::regclass")).as("the large values are stored out of line (TOAST)").isEqualTo("t");
        StackSql.awaitEqualAB(stack, TableRef.parse(DOCS));
        // Updates that leave the large values alone, at both sites, and one that changes a large value.
        exec("a", "UPDATE " + DOCS + " SET title = 'changed at a' WHERE id IN (1, 2, 3)");
        exec("b", "UPDATE " + DOCS + " SET title = 'changed at b' WHERE id = 4");
        exec("a", "UPDATE " + DOCS + " SET body = 'small now' WHERE id = 5");
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM " + DOCS + " WHERE title = 'changed at a'", "3");
        StackSql.awaitRow(stack, "a", "SELECT count(*) FROM " + DOCS + " WHERE title = 'changed at b'", "1");
        StackSql.awaitRow(stack, "b", "SELECT body FROM " + DOCS + " WHERE id = 5", "small now");
        StackSql.awaitEqualAB(stack, TableRef.parse(DOCS));
        for (String site : List.of("a", "b")) {
            assertThat(StackSql.query(stack, site, placeholderCount(DOCS))).as("placeholders at %s", site).isEqualTo("0");
            assertThat(StackSql.query(stack, site, "SELECT min(length(body)) FROM " + DOCS + " WHERE id <> 5"))
                    .as("the large bodies at %s", site).isEqualTo("192000");
        }
        assertThat(stack.failures()).isEmpty();
    }

    @Test
    void aTableResetToReplicaIdentityDefaultKeepsTheTargetsValue() throws Exception {
        exec("a", "INSERT INTO " + RESET + " SELECT g, 'title ' || g, " + LARGE_TEXT + ", jsonb_build_object('big', "
                + LARGE_TEXT + "), convert_to(" + LARGE_TEXT + ", 'UTF8') FROM generate_series(1, 3) g");
        StackSql.awaitEqualAB(stack, TableRef.parse(RESET));
        // Someone resets the identity while the mesh runs: PostgreSQL no longer logs the unchanged values.
        exec("a", "ALTER TABLE " + RESET + " REPLICA IDENTITY DEFAULT");
        exec("a", "UPDATE " + RESET + " SET title = 'changed at a' WHERE id IN (1, 2)");
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM " + RESET + " WHERE title = 'changed at a'", "2");
        StackSql.awaitEqualAB(stack, TableRef.parse(RESET));
        assertThat(StackSql.query(stack, "b", placeholderCount(RESET))).isEqualTo("0");
        assertThat(stack.failures()).isEmpty();
    }

    @Test
    void primaryKeyUpdatesConverge() throws Exception {
        exec("a", "INSERT INTO " + KEYS + " SELECT g, 'row ' || g, g FROM generate_series(1, 100) g");
        StackSql.awaitEqualAB(stack, TableRef.parse(KEYS));
        // Moves, a move onto a key deleted before (its tombstone is there), a swap through a free key,
        // and one statement that shifts a whole range.
        exec("a", "UPDATE " + KEYS + " SET id = id + 1000 WHERE id BETWEEN 1 AND 10");
        exec("a", "DELETE FROM " + KEYS + " WHERE id = 20");
        exec("a", "UPDATE " + KEYS + " SET id = 20 WHERE id = 21");
        exec("a", "BEGIN; UPDATE " + KEYS + " SET id = -1 WHERE id = 30; UPDATE " + KEYS + " SET id = 30 WHERE id = 31; "
                + "UPDATE " + KEYS + " SET id = 31 WHERE id = -1; COMMIT");
        exec("b", "UPDATE " + KEYS + " SET id = id + 2000 WHERE id BETWEEN 50 AND 59");
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM " + KEYS + " WHERE id > 1000 AND id < 2000", "10");
        StackSql.awaitRow(stack, "a", "SELECT count(*) FROM " + KEYS + " WHERE id > 2000", "10");
        StackSql.awaitEqualAB(stack, TableRef.parse(KEYS));
        assertThat(StackSql.query(stack, "b", "SELECT name FROM " + KEYS + " WHERE id = 20")).isEqualTo("row 21");
        assertThat(StackSql.query(stack, "b", "SELECT name || '/' || (SELECT name FROM " + KEYS + " WHERE id = 31) FROM " + KEYS
                + " WHERE id = 30")).isEqualTo("row 31/row 30");
        assertThat(StackSql.query(stack, "b", "SELECT count(*) FROM " + KEYS)).isEqualTo("99");

        // A key moved at a while b updates the old key: the sites resolve it the same way.
        List<String> sinks = List.of(sinkName("a"), sinkName("b"));
        StackConnectors.pauseAndAwait(stack, sinks);
        exec("a", "UPDATE " + KEYS + " SET id = 5000 WHERE id = 70");
        exec("b", "UPDATE " + KEYS + " SET name = 'updated at b' WHERE id = 70");
        sinks.forEach(s -> stack.rest().resumeConnector(s));
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM " + KEYS + " WHERE id = 5000", "1");
        StackSql.awaitEqualAB(stack, TableRef.parse(KEYS));
        assertThat(stack.failures()).isEmpty();
    }

    private static String placeholderCount(String table) {
        return "SELECT count(*) FROM " + table + " WHERE title LIKE '%" + PLACEHOLDER + "%' OR body LIKE '%" + PLACEHOLDER
                + "%' OR doc::text LIKE '%" + PLACEHOLDER + "%' OR position(convert_to('" + PLACEHOLDER
                + "', 'UTF8') IN blob) > 0 OR body IS NULL OR doc IS NULL OR blob IS NULL";
    }

    private static String sinkName(String site) {
        return stack.sinkConnector(site, List.of()).name();
    }

    private static void exec(String site, String sql) {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage(), e);
        }
    }

}
