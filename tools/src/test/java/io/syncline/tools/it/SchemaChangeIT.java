package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.SynclineCli;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schema changes while the mesh runs, on the real stack (KRaft broker, Connect worker, three
 * PostgreSQL sites), each applied at one site and then at the others while all three sites keep
 * writing: ADD COLUMN with and without a default, DROP COLUMN, widening integer to bigint and
 * varchar(10) to varchar(50). A change carrying a column a site does not have yet waits there until
 * the ALTER reaches it, while the rest of the mesh keeps flowing; at the end all sites hold the same
 * rows and every write was applied exactly once at every other site.
 */
class SchemaChangeIT {

    private static final String TABLE = "public.evolving";
    private static final List<String> SITES = List.of("a", "b", "c");
    private static final String WIDENING = "public.widening";

    private static EmbeddedStack stack;
    private static long seed;

    @BeforeAll
    static void startStack() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("SchemaChangeIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        String group = "ddl" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres,c:postgres").withGroup(group));
        stack.applySql("CREATE TABLE public.evolving (id bigint PRIMARY KEY, name text NOT NULL, n integer, "
                + "code varchar(10), legacy text);\n"
                + "CREATE TABLE public.widening (id bigint PRIMARY KEY, n integer, code varchar(10))");
        stack.startSync(List.of(TABLE, WIDENING), Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void addDropAndWidenAtOneSiteThenTheOthersWhileAllWriteConverges() throws Exception {
        // Rows with a value in the column that will be dropped, at every site.
        exec("a", "INSERT INTO public.evolving (id, name, n, code, legacy) "
                + "SELECT g, 'seed ' || g, g, 's' || g, 'legacy ' || g FROM generate_series(1, 200) g");
        awaitEqual();
        Map<String, SiteWriter> writers = new LinkedHashMap<>();
        for (int i = 0; i < SITES.size(); i++) {
            writers.put(SITES.get(i), new SiteWriter(stack, SITES.get(i), TABLE, seed + i, (i + 1) * 1_000_000L).start());
        }
        try {
            // ADD COLUMN with a default at a: b and c wait for it, and a keeps applying their changes.
            alterAtEachSite(List.of("a", "b", "c"), "ALTER TABLE public.evolving ADD COLUMN flag text DEFAULT 'new'",
                    writers);
            // ADD COLUMN without a default, first at b.
            alterAtEachSite(List.of("b", "c", "a"), "ALTER TABLE public.evolving ADD COLUMN extra integer", writers);
            // DROP COLUMN, first at c: c leaves the others' values of it out; they keep theirs until they drop it.
            alterAtEachSite(List.of("c", "a", "b"), "ALTER TABLE public.evolving DROP COLUMN legacy", writers);
            // Widening, first at a; values that need the wider types are written once every site has them.
            alterAtEachSite(List.of("a", "b", "c"), "ALTER TABLE public.evolving ALTER COLUMN n TYPE bigint, "
                    + "ALTER COLUMN code TYPE varchar(50)", writers);
            writers.values().forEach(w -> w.wide.set(true));
            awaitWrites(writers, 100);
            for (String site : SITES) {
                exec(site, "UPDATE public.evolving SET extra = id % 7, flag = 'set at " + site + "' WHERE id % 3 = "
                        + SITES.indexOf(site) + " AND id < 1000");
            }
        } finally {
            for (SiteWriter w : writers.values()) {
                w.stop();
            }
        }
        for (SiteWriter w : writers.values()) {
            assertThat(w.failure()).as("writer at %s", w.site).isNull();
        }
        awaitEqual();
        TableVerdict verdict = verify(TABLE);
        assertThat(verdict.rows("a")).isPositive();
        assertThat(StackSql.query(stack, "a", "SELECT count(*) FROM public.evolving WHERE n > 2147483647")).isNotEqualTo("0");
        // Exactly once: every row write of each site applied once at each other site, none twice.
        for (String site : SITES) {
            assertThat(StackSql.query(stack, site, "SELECT count(*) - count(DISTINCT (dot_origin, dot_seq)) FROM syncline.apply_ledger"))
                    .as("dots applied twice at %s", site).isEqualTo("0");
            for (String origin : SITES) {
                if (origin.equals(site)) {
                    continue;
                }
                long expected = writers.get(origin).writes() + updatesAt(origin) + (origin.equals("a") ? 200 : 0);
                assertThat(Long.parseLong(StackSql.query(stack, site, "SELECT count(*) FROM syncline.apply_ledger WHERE dot_origin = '"
                        + origin + "' AND table_name = '" + TABLE + "'"))).as("changes of %s applied at %s (seed %d)", origin, site, seed)
                        .isEqualTo(expected);
            }
        }
        for (String site : SITES) {
            assertThat(TopicRecords.readAll(stack.kafka().bootstrapServers(), stack.group() + ".dlq." + site).stream()
                    .filter(r -> r.key() != null && r.key().startsWith(TABLE + "/")).toList())
                    .as("dead letters of %s at %s", TABLE, site).isEmpty();
        }
        assertThat(stack.failures()).isEmpty();
    }

    @Test
    void aValueWrittenBeforeTheOthersWidenedIsDeadLetteredThenReplayedOnceTheyHave() throws Exception {
        exec("a", "ALTER TABLE public.widening ALTER COLUMN n TYPE bigint, ALTER COLUMN code TYPE varchar(50)");
        exec("a", "INSERT INTO public.widening VALUES (1, 5, 'fits'), (2, 3000000000, 'fits'), "
                + "(3, 7, 'a code longer than ten characters')");
        for (String site : List.of("b", "c")) {
            Deadlines.await("row 1 at " + site, Duration.ofSeconds(90),
                    () -> "1".equals(StackSql.query(stack, site, "SELECT count(*) FROM public.widening WHERE id = 1")),
                    () -> "failures " + stack.failures());
            String dlq = stack.group() + ".dlq." + site;
            List<String> reasons = new ArrayList<>();
            Deadlines.await("rows 2 and 3 on " + dlq, Duration.ofSeconds(60), () -> {
                reasons.clear();
                TopicRecords.readAll(stack.kafka().bootstrapServers(), dlq).stream()
                        .filter(r -> r.key() != null && r.key().startsWith(WIDENING + "/"))
                        .forEach(r -> reasons.add(r.key() + " " + r.header("__connect.errors.exception.message")));
                return reasons.size() >= 2;
            }, () -> String.valueOf(reasons));
            assertThat(String.join("\n", reasons)).contains("SQLSTATE 22003").contains("SQLSTATE 22001");
        }
        exec("b", "ALTER TABLE public.widening ALTER COLUMN n TYPE bigint, ALTER COLUMN code TYPE varchar(50)");
        exec("c", "ALTER TABLE public.widening ALTER COLUMN n TYPE bigint, ALTER COLUMN code TYPE varchar(50)");
        for (String site : List.of("b", "c")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = replay(site, out);
            assertThat(code).as("syncline replay --site %s: %s", site, out).isZero();
            assertThat(out.toString()).contains("replayed 2 changes");
        }
        Deadlines.await(WIDENING + " equal at every site", Duration.ofSeconds(120), () -> verify(WIDENING).equal(),
                () -> {
                    try {
                        return verify(WIDENING).differences() + ", failures " + stack.failures();
                    } catch (SQLException e) {
                        return e.getMessage();
                    }
                });
        assertThat(StackSql.query(stack, "c", "SELECT n || ' ' || code FROM public.widening WHERE id = 2")).isEqualTo("3000000000 fits");
        for (String site : List.of("b", "c")) {
            assertThat(StackSql.query(stack, site, "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = '" + WIDENING + "'"))
                    .as("each of a's three rows applied once at %s, though replayed twice", site).isEqualTo("3");
        }
        // Replaying again changes nothing anywhere.
        replay("b", new ByteArrayOutputStream());
        long end = stack.kafka().endOffsetsSum(stack.changesTopic());
        for (String site : SITES) {
            Deadlines.await(site + " consumed the second replay", Duration.ofSeconds(60),
                    () -> Long.parseLong(StackSql.query(stack, site, "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets")) >= end,
                    () -> "behind");
            assertThat(StackSql.query(stack, site, "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = '" + WIDENING + "'"))
                    .isEqualTo(site.equals("a") ? "0" : "3");
        }
        assertThat(stack.failures()).isEmpty();
    }

    private static int replay(String site, ByteArrayOutputStream out) throws Exception {
        Method run = SynclineCli.class.getDeclaredMethod("run", List.class,
                PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return (int) run.invoke(null, List.of("replay", "--kafka", stack.kafka().bootstrapServers(), "--group",
                stack.group(), "--site", site), print, print);
    }

    private static final Map<String, Long> MANUAL_UPDATES = new ConcurrentHashMap<>();

    private static long updatesAt(String site) {
        return MANUAL_UPDATES.getOrDefault(site, 0L);
    }

    /**
     * Runs the ALTER at each site in turn; between two sites, waits until the writes flowed on: the
     * first site keeps applying what the others write, whatever waits for the schema change.
     */
    private static void alterAtEachSite(List<String> order, String ddl, Map<String, SiteWriter> writers) throws Exception {
        for (int i = 0; i < order.size(); i++) {
            String site = order.get(i);
            exec(site, ddl);
            if (i == order.size() - 1) {
                break;
            }
            String other = order.get(order.size() - 1);
            long before = ledger(site, other);
            awaitWrites(writers, 50);
            Deadlines.await(site + " keeps applying changes of " + other + " after its ALTER", Duration.ofSeconds(60),
                    () -> ledger(site, other) > before, () -> "failures " + stack.failures());
            for (String s : SITES) {
                assertThat(stack.rest().taskStates(stack.sinkConnector(s, List.of()).name()).values())
                        .as("sink tasks of %s while %s waits", s, ddl).doesNotContain("FAILED");
            }
        }
    }

    private static void awaitWrites(Map<String, SiteWriter> writers, long more) {
        Map<String, Long> target = new LinkedHashMap<>();
        writers.forEach((site, w) -> target.put(site, w.writes() + more));
        Deadlines.await("every site wrote " + more + " more rows", Duration.ofSeconds(60),
                () -> writers.entrySet().stream().allMatch(e -> e.getValue().writes() >= target.get(e.getKey())
                        || e.getValue().failure() != null),
                () -> String.valueOf(writers.values().stream().map(w -> w.site + "=" + w.writes()).toList()));
    }

    private static long ledger(String site, String origin) throws SQLException {
        return Long.parseLong(StackSql.query(stack, site, "SELECT count(*) FROM syncline.apply_ledger WHERE dot_origin = '" + origin
                + "'"));
    }

    private static void awaitEqual() {
        Deadlines.await(TABLE + " equal at every site", Duration.ofSeconds(180), () -> verify(TABLE).equal(), () -> {
            try {
                return verify(TABLE).differences() + ", failures " + stack.failures();
            } catch (SQLException e) {
                return e.getMessage();
            }
        });
    }

    private static TableVerdict verify(String table) throws SQLException {
        Map<String, Connection> sites = new LinkedHashMap<>();
        try {
            for (String site : SITES) {
                sites.put(site, stack.site(site).connect());
            }
            return MeshVerification.withDefaults().verify(sites, TableRef.parse(table));
        } finally {
            for (Connection c : sites.values()) {
                c.close();
            }
        }
    }

    private static void exec(String site, String sql) {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement()) {
            int rows = st.executeUpdate(sql);
            if (sql.startsWith("UPDATE")) {
                MANUAL_UPDATES.merge(site, (long) rows, Long::sum);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage(), e);
        }
    }

}
