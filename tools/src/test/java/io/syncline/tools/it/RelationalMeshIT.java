package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.connector.metrics.ConnectorMetrics;
import io.syncline.connector.metrics.SinkTaskMetrics;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An ordinary relational schema on a mixed mesh (two PostgreSQL sites and a MariaDB site), all three
 * writing at once ({@link OrderWorkload}): orders with their lines in one transaction, lines and
 * payments added to orders other sites created, deletes of orders racing inserts of their lines and
 * payments elsewhere, updates. After quiescence every site holds the same rows of every table, no
 * site has an orphan, nothing went to a dead-letter topic, and every payment that was committed at
 * its origin and is gone everywhere is in a {@code foreign-key} conflict log entry.
 *
 * <p>Seeds: {@code -Dsyncline.seed=N} runs one; otherwise {@code -Dsyncline.relational.seeds=K}
 * random ones (2 by default; the {@code convergence-soak} profile runs 20).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelationalMeshIT {

    private static final List<String> SITES = List.of("a", "b", "c");
    private static final List<String> TABLES = List.of("customers", "orders", "order_lines", "payments");
    private static final int TRANSACTIONS_PER_SITE = Integer.getInteger("syncline.relational.transactions", 400);

    private EmbeddedStack stack;
    private int nextRound;

    static LongStream seeds() {
        Long fixed = Long.getLong("syncline.seed");
        if (fixed != null) {
            return LongStream.of(fixed);
        }
        return ThreadLocalRandom.current().longs(Integer.getInteger("syncline.relational.seeds", 2));
    }

    @BeforeAll
    void startStack() {
        String group = "rel" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres,c:mariadb").withGroup(group));
        int rounds = (int) Math.max(1, seeds().count());
        List<String> tables = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            stack.applySql(String.format(OrderWorkload.SCHEMA, "_" + round));
            for (String table : TABLES) {
                tables.add("public." + table + "_" + round);
            }
        }
        stack.startSync(tables, Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void threeSitesWritingOrdersAtOnceConvergeWithoutOrphansOrDeadLetters(long seed) throws Exception {
        String suffix = "_" + nextRound++;
        System.out.println("RelationalMeshIT seed " + seed + " on tables *" + suffix + " (rerun with -Dsyncline.seed="
                + seed + ")");
        StringBuilder customers = new StringBuilder();
        for (int id = 1; id <= OrderWorkload.CUSTOMERS; id++) {
            customers.append(customers.length() == 0 ? "" : ", ").append("(").append(id).append(", 'customer ")
                    .append(id).append("')");
        }
        StackSql.execute(stack, "a", "INSERT INTO customers" + suffix + " VALUES " + customers);
        for (String site : SITES) {
            StackSql.awaitRow(stack, site, "SELECT count(*) FROM customers" + suffix,
                    Integer.toString(OrderWorkload.CUSTOMERS));
        }

        OrderWorkload.Shared shared = new OrderWorkload.Shared();
        ExecutorService pool = Executors.newFixedThreadPool(SITES.size());
        List<Future<OrderWorkload.Result>> results = new ArrayList<>();
        for (int i = 0; i < SITES.size(); i++) {
            String site = SITES.get(i);
            OrderWorkload workload = new OrderWorkload(suffix, i + 1, seed * 31 + i, shared);
            results.add(pool.submit(() -> {
                try (Connection c = stack.site(site).connect()) {
                    return workload.run(c, TRANSACTIONS_PER_SITE);
                }
            }));
        }
        int committed = 0;
        int deletes = 0;
        int cross = 0;
        for (Future<OrderWorkload.Result> f : results) {
            OrderWorkload.Result r = f.get();
            committed += r.committed();
            deletes += r.deletes();
            cross += r.crossSiteWrites();
        }
        pool.shutdown();
        System.out.printf("RelationalMeshIT seed %d: %d transactions committed (%d deletes of orders, %d writes to "
                + "rows of other sites)%n", seed, committed, deletes, cross);
        assertThat(cross).as("cross-site references happened (seed %d)", seed).isPositive();

        awaitQuiescence(suffix, seed);
        Map<String, Connection> c = connections();
        try {
            for (String site : SITES) {
                assertThat(count(c.get(site), "SELECT count(*) FROM order_lines" + suffix + " l WHERE NOT EXISTS "
                        + "(SELECT 1 FROM orders" + suffix + " o WHERE o.id = l.order_id)"))
                        .as("order lines without their order at %s (seed %d)", site, seed).isZero();
                assertThat(count(c.get(site), "SELECT count(*) FROM payments" + suffix + " p WHERE NOT EXISTS "
                        + "(SELECT 1 FROM orders" + suffix + " o WHERE o.id = p.order_id)"))
                        .as("payments without their order at %s (seed %d)", site, seed).isZero();
                assertThat(sinkFigure(site, "deadLettered")).as("dead letters at %s (seed %d)", site, seed).isZero();
            }
            long foreignKeyConflicts = 0;
            for (String site : SITES) {
                foreignKeyConflicts += count(c.get(site), "SELECT count(*) FROM syncline.conflicts WHERE conflict_type = "
                        + "'foreign-key' AND table_name LIKE 'public.%" + suffix + "'");
            }
            int lostPayments = 0;
            for (Map.Entry<Long, Long> payment : shared.payments.entrySet()) {
                long id = payment.getKey();
                if (shared.deletedPayments.contains(id)
                        || count(c.get("a"), "SELECT count(*) FROM payments" + suffix + " WHERE id = " + id) > 0) {
                    continue;
                }
                // Committed at its origin, never deleted by an application, gone everywhere: its order was
                // deleted at a site that did not have the payment yet, so it met the deletion there.
                lostPayments++;
                long logged = 0;
                for (String site : SITES) {
                    logged += count(c.get(site), "SELECT count(*) FROM syncline.conflicts WHERE conflict_type = "
                            + "'foreign-key' AND table_name = 'public.payments" + suffix + "' AND pk = '" + id + "'");
                }
                assertThat(logged).as("payment %d gone with its order is in a foreign-key conflict log (seed %d)", id,
                        seed).isPositive();
            }
            System.out.printf("RelationalMeshIT seed %d: %d foreign-key conflicts logged, %d payments gone with "
                    + "their orders, each logged%n", seed, foreignKeyConflicts, lostPayments);
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
    }

    private void awaitQuiescence(String suffix, long seed) throws SQLException {
        Map<String, Connection> c = connections();
        try {
            Deadlines.await("all three sites identical and every change consumed", Duration.ofSeconds(180), () -> {
                long end = stack.kafka().endOffsetsSum(stack.changesTopic());
                for (String site : SITES) {
                    if (count(c.get(site), "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets") < end) {
                        return false;
                    }
                }
                for (String table : TABLES) {
                    if (!verify(c, table + suffix).equal()) {
                        return false;
                    }
                }
                return stack.kafka().endOffsetsSum(stack.changesTopic()) == end;
            }, () -> "seed " + seed + ", failures " + stack.failures() + ", differences " + differences(c, suffix));
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
    }

    private TableVerdict verify(Map<String, Connection> c, String table) throws SQLException {
        Map<String, Connection> ordered = new LinkedHashMap<>();
        for (String site : SITES) {
            ordered.put(site, c.get(site));
        }
        return MeshVerification.withDefaults().verify(ordered, TableRef.parse("public." + table));
    }

    private String differences(Map<String, Connection> c, String suffix) {
        StringBuilder out = new StringBuilder();
        for (String table : TABLES) {
            try {
                TableVerdict verdict = verify(c, table + suffix);
                out.append(table).append(": ").append(verdict.differingKeys()).append(" keys ")
                        .append(verdict.problems()).append("; ");
                for (TableVerdict.KeyDifference key : verdict.keys()) {
                    out.append("\n  ").append(key.describe(SITES)).append(explain(c, table + suffix, key.key()));
                }
            } catch (SQLException e) {
                out.append(table).append(": ? (").append(e.getMessage()).append("); ");
            }
        }
        return out.toString();
    }

    /** Each site's row, meta entry and conflict log entries for one key, for a failure message. */
    private static String explain(Map<String, Connection> c, String table, String key) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Connection> site : c.entrySet()) {
            out.append("\n    ").append(site.getKey()).append(": row ")
                    .append(rows(site.getValue(), "SELECT * FROM " + table + " WHERE id = " + key))
                    .append(" meta ").append(rows(site.getValue(), "SELECT vv, hlc, origin, seq, deleted, local_write "
                            + "FROM syncline.row_meta WHERE table_name = 'public." + table + "' AND pk = '" + key + "'"))
                    .append(" conflicts ").append(rows(site.getValue(), "SELECT conflict_type, rule, winner, "
                            + "local_origin, local_seq, local_deleted, incoming_origin FROM syncline.conflicts "
                            + "WHERE table_name = 'public." + table + "' AND pk = '" + key + "' ORDER BY id"));
        }
        return out.toString();
    }

    private static String rows(Connection c, String sql) {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(values.toString());
            }
        } catch (SQLException e) {
            rows.add("? (" + e.getMessage() + ")");
        }
        return rows.toString();
    }

    private long sinkFigure(String site, String figure) {
        return ConnectorMetrics.read(ManagementFactory.getPlatformMBeanServer(), SinkTaskMetrics.CONTEXT,
                SyncGroupNames.of(stack.group()).sinkConnector(site)).map(m -> ((Number) m.get(figure)).longValue())
                .orElse(-1L);
    }

    private Map<String, Connection> connections() throws SQLException {
        Map<String, Connection> c = new LinkedHashMap<>();
        for (String site : SITES) {
            c.put(site, stack.site(site).connect());
        }
        return c;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
