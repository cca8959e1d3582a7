package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.connector.metrics.ConnectorMetrics;
import io.syncline.connector.metrics.SinkTaskMetrics;
import io.syncline.core.SyncGroupNames;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.SqlClient;
import io.syncline.tools.embedded.EmbeddedStack;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hot {@code delta} counters on a three-site mesh, every site's application incrementing and
 * decrementing them at once through the database's own client ({@code psql}, {@code mysql}), one
 * sink restarted in the middle (its batches delivered again): every counter ends equal to its
 * initial value plus every increment that committed, at every site, and not one application
 * statement failed (the apply yields in every lock contention, see docs/design.md "Locks: the
 * apply yields"). A second test runs several client threads per site, single-row and multi-row
 * transactions (rows in ascending key order, so the applications never deadlock one another).
 *
 * <p>Seeds: {@code -Dsyncline.seed=N} runs one; otherwise {@code -Dsyncline.counter.seeds=K} random
 * ones (2 by default; the {@code convergence-soak} profile runs 20).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CounterMesh {

    private static final List<String> SITES = List.of("a", "b", "c");
    private static final int COUNTERS = 20;
    private static final long INITIAL = 1_000;
    private static final int STATEMENTS_PER_SITE = Integer.getInteger("syncline.counter.statements", 1_000);
    private static final int HOT_ROWS = 10;
    private static final int HOT_CLIENTS_PER_SITE = 3;
    private static final int HOT_TRANSACTIONS_PER_CLIENT = Integer.getInteger("syncline.counter.hot.transactions", 200);
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(3);

    private EmbeddedStack stack;
    private int nextRound;

    /** The sites of the mesh, e.g. {@code a:postgres,b:postgres,c:mariadb}. */
    abstract String sites();

    static LongStream seeds() {
        Long fixed = Long.getLong("syncline.seed");
        if (fixed != null) {
            return LongStream.of(fixed);
        }
        return ThreadLocalRandom.current().longs(Integer.getInteger("syncline.counter.seeds", 2));
    }

    @BeforeAll
    void startStack() {
        String group = "cnt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites(sites()).withGroup(group));
        int rounds = (int) Math.max(1, seeds().count());
        List<String> tables = new ArrayList<>();
        StringBuilder schema = new StringBuilder();
        for (int round = 0; round < rounds; round++) {
            tables.add("public.counters_" + round);
        }
        tables.add("public.hot_counters");
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("apply.ledger.enabled", "true");
        for (String table : tables) {
            schema.append("CREATE TABLE ").append(table.substring("public.".length()))
                    .append(" (id bigint PRIMARY KEY, n bigint NOT NULL, label varchar(64));\n");
            sink.put("conflict.resolver." + table, "delta");
            sink.put("conflict.resolver." + table + ".columns", "n");
        }
        stack.applySql(schema.toString());
        stack.startSync(tables, sink);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void hotCountersStayExactAndNoApplicationStatementFails(long seed) throws Exception {
        String table = "counters_" + nextRound++;
        System.out.println(getClass().getSimpleName() + " seed " + seed + " on " + table + " (rerun with -Dsyncline.seed="
                + seed + ")");
        seedRows(table, COUNTERS);
        Random random = new Random(seed);
        List<Script> scripts = new ArrayList<>();
        for (String site : SITES) {
            scripts.add(Script.singleStatements(site, table, COUNTERS, STATEMENTS_PER_SITE, random.nextLong()));
        }
        String restarted = SITES.get(random.nextInt(SITES.size()));
        Map<String, Long> retriesBefore = retries();
        List<Run> runs = runAll(scripts, restarted);
        awaitExact(table, COUNTERS, runs, seed);
        report(table, seed, runs, retriesBefore);
        assertNoFailures(runs, seed);
    }

    @Test
    void severalClientsPerSiteWithMultiRowTransactionsSeeNoErrorCausedByTheApply() throws Exception {
        long seed = Long.getLong("syncline.seed", ThreadLocalRandom.current().nextLong());
        System.out.println(getClass().getSimpleName() + " hot rows, seed " + seed + " (rerun with -Dsyncline.seed="
                + seed + ")");
        String table = "hot_counters";
        seedRows(table, HOT_ROWS);
        Random random = new Random(seed);
        List<Script> scripts = new ArrayList<>();
        for (String site : SITES) {
            for (int client = 0; client < HOT_CLIENTS_PER_SITE; client++) {
                scripts.add(Script.transactions(site, table, HOT_ROWS, HOT_TRANSACTIONS_PER_CLIENT, random.nextLong()));
            }
        }
        Map<String, Long> retriesBefore = retries();
        List<Run> runs = runAll(scripts, null);
        awaitExact(table, HOT_ROWS, runs, seed);
        report(table, seed, runs, retriesBefore);
        assertNoFailures(runs, seed);
    }

    private void seedRows(String table, int rows) throws SQLException {
        StringBuilder values = new StringBuilder();
        for (int id = 1; id <= rows; id++) {
            values.append(id == 1 ? "" : ", ").append('(').append(id).append(", ").append(INITIAL).append(", 'start')");
        }
        StackSql.execute(stack, "a", "INSERT INTO " + table + " VALUES " + values);
        for (String site : SITES) {
            StackSql.awaitRow(stack, site, "SELECT count(*) FROM " + table, Integer.toString(rows));
        }
    }

    /** Runs every script at once, through the site's client; restarts {@code restarted}'s sink meanwhile. */
    private List<Run> runAll(List<Script> scripts, String restarted) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(scripts.size());
        try {
            List<Future<SqlClient.Continued>> futures = new ArrayList<>();
            for (Script script : scripts) {
                futures.add(pool.submit(() -> SqlClient.runContinuing(stack.site(script.site()), script.text(),
                        CLIENT_TIMEOUT)));
            }
            if (restarted != null) {
                long applied = sinkFigure(restarted, "applied");
                Deadlines.await("site " + restarted + " applied changes of the workload", Duration.ofSeconds(60),
                        () -> sinkFigure(restarted, "applied") > applied || futures.stream().allMatch(Future::isDone),
                        () -> "applied " + sinkFigure(restarted, "applied"));
                String sink = SyncGroupNames.of(stack.group()).sinkConnector(restarted);
                stack.rest().restartConnector(sink, true);
                System.out.println("restarted " + sink + " in the middle of the workload");
            }
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < scripts.size(); i++) {
                runs.add(new Run(scripts.get(i), futures.get(i).get()));
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }

    private void report(String table, long seed, List<Run> runs, Map<String, Long> retriesBefore) {
        int statements = 0;
        int failed = 0;
        for (Run run : runs) {
            statements += run.script().statements();
            failed += new HashSet<>(run.result().failedLines()).size();
        }
        System.out.printf("%s seed %d on %s: %d application transactions, %d failed; the sinks retried %d batches "
                + "for lock contention%n", getClass().getSimpleName(), seed, table, statements, failed,
                retriedSince(retriesBefore));
    }

    private static void assertNoFailures(List<Run> runs, long seed) {
        List<String> errors = new ArrayList<>();
        for (Run run : runs) {
            for (String error : run.result().errors()) {
                errors.add(run.script().site() + ": " + error);
            }
        }
        assertThat(errors).as("application statements that failed (seed %d)", seed).isEmpty();
    }

    /**
     * Waits until every site holds, for every counter, the initial value plus the changes of every
     * transaction that committed (a failed one's are left out, so the counters are checked even then).
     */
    private void awaitExact(String table, int rows, List<Run> runs, long seed) throws SQLException {
        Map<Long, Long> expected = new LinkedHashMap<>();
        for (long id = 1; id <= rows; id++) {
            expected.put(id, INITIAL);
        }
        for (Run run : runs) {
            run.script().committedDeltas(run.result().failedLines()).forEach((id, d) -> expected.merge(id, d, Long::sum));
        }
        Map<String, Connection> c = new LinkedHashMap<>();
        for (String site : SITES) {
            c.put(site, stack.site(site).connect());
        }
        try {
            Deadlines.await("every counter of " + table + " exact at every site", Duration.ofSeconds(120), () -> {
                for (Connection site : c.values()) {
                    if (!counters(site, table).equals(expected)) {
                        return false;
                    }
                }
                return true;
            }, () -> {
                StringBuilder seen = new StringBuilder("seed " + seed + ", expected " + expected);
                c.forEach((site, connection) -> seen.append("\n  ").append(site).append(": ")
                        .append(StackSql.quietly(() -> counters(connection, table).toString())));
                return seen + "\n  failures " + stack.failures();
            });
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
    }

    private static Map<Long, Long> counters(Connection c, String table) throws SQLException {
        Map<Long, Long> values = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, n FROM " + table
                + " ORDER BY id")) {
            while (rs.next()) {
                values.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return values;
    }

    /** Each site's sink's retries so far (a restarted sink counts afresh). */
    private Map<String, Long> retries() {
        Map<String, Long> bySite = new LinkedHashMap<>();
        for (String site : SITES) {
            bySite.put(site, Math.max(0, sinkFigure(site, "applyRetries")));
        }
        return bySite;
    }

    private long retriedSince(Map<String, Long> before) {
        long sum = 0;
        for (Map.Entry<String, Long> now : retries().entrySet()) {
            long then = before.get(now.getKey());
            sum += now.getValue() >= then ? now.getValue() - then : now.getValue();
        }
        return sum;
    }

    private long sinkFigure(String site, String figure) {
        return ConnectorMetrics.read(ManagementFactory.getPlatformMBeanServer(), SinkTaskMetrics.CONTEXT,
                SyncGroupNames.of(stack.group()).sinkConnector(site))
                .map(m -> m.get(figure) instanceof Number n ? n.longValue() : -1L).orElse(-1L);
    }

    /** A client's script and what the client reported. */
    private record Run(Script script, SqlClient.Continued result) {
    }

    /**
     * One client's script, one transaction per line (so a failed statement names its transaction by
     * line), with each line's changes to the counters.
     */
    record Script(String site, String text, List<Map<Long, Long>> deltasByLine) {

        int statements() {
            return deltasByLine.size();
        }

        /** The changes of every line except the failed ones. */
        Map<Long, Long> committedDeltas(List<Integer> failedLines) {
            Map<Long, Long> sum = new LinkedHashMap<>();
            for (int line = 1; line <= deltasByLine.size(); line++) {
                if (!failedLines.contains(line)) {
                    deltasByLine.get(line - 1).forEach((id, d) -> sum.merge(id, d, Long::sum));
                }
            }
            return sum;
        }

        /** Single-statement updates of random hot rows, as in the report. */
        static Script singleStatements(String site, String table, int rows, int count, long seed) {
            Random random = new Random(seed);
            StringBuilder text = new StringBuilder();
            List<Map<Long, Long>> deltas = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long id = 1 + random.nextInt(rows);
                long d = delta(random);
                text.append("UPDATE ").append(table).append(" SET n = n + (").append(d).append("), label = '")
                        .append(site).append('-').append(i).append("' WHERE id = ").append(id).append(";\n");
                deltas.add(Map.of(id, d));
            }
            return new Script(site, text.toString(), deltas);
        }

        /** Single-row statements and multi-row transactions (rows in ascending key order). */
        static Script transactions(String site, String table, int rows, int count, long seed) {
            Random random = new Random(seed);
            StringBuilder text = new StringBuilder();
            List<Map<Long, Long>> deltas = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Map<Long, Long> line = new LinkedHashMap<>();
                int width = random.nextInt(3) == 0 ? 1 : 2 + random.nextInt(3);
                long id = 1 + random.nextInt(rows);
                for (int r = 0; r < width && id <= rows; r++) {
                    line.put(id, delta(random));
                    id += 1 + random.nextInt(2);
                }
                if (line.size() > 1) {
                    text.append("BEGIN; ");
                }
                for (Map.Entry<Long, Long> row : line.entrySet()) {
                    text.append("UPDATE ").append(table).append(" SET n = n + (").append(row.getValue())
                            .append(") WHERE id = ").append(row.getKey()).append("; ");
                }
                if (line.size() > 1) {
                    text.append("COMMIT;");
                }
                text.append('\n');
                deltas.add(line);
            }
            return new Script(site, text.toString(), deltas);
        }

        private static long delta(Random random) {
            long d = 1 + random.nextInt(9);
            return random.nextBoolean() ? d : -d;
        }
    }
}
