package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.PartitionLease;
import io.syncline.connector.metrics.ConnectorMetrics;
import io.syncline.connector.metrics.SinkTaskMetrics;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.SqlClient;
import io.syncline.tools.embedded.EmbeddedStack;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Source transactions on the real stack (three PostgreSQL sites, a three-peer coordinator): a
 * replica never shows part of a transaction, and a site applies a transaction only after what it
 * causally depends on, even when it reads the dependent one first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionOrderIT {

    private static final String ACCOUNTS = "public.accounts";
    private static final String ORDERS = "public.orders";
    private static final String LINES = "public.order_lines";
    private static final String SCHEMA = """
            CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL);
            CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
            CREATE TABLE order_lines (id bigint PRIMARY KEY,
                order_id bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE, qty int NOT NULL);
            """;

    private EmbeddedStack stack;
    private int partitions;
    private CoordinatorClient coordinator;
    private PartitionLease heldLease;

    @BeforeAll
    void startStack() {
        // Enough partitions that the three origins' streams are three different partitions.
        partitions = 2;
        while (partitionOf("a") == partitionOf("b") || partitionOf("b") == partitionOf("c")
                || partitionOf("a") == partitionOf("c")) {
            partitions++;
        }
        String group = "txo" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres,c:postgres").withGroup(group)
                .withPartitions(partitions).withCoordinators(3));
        stack.applySql(SCHEMA);
        // c may not apply a's stream until the causal test lets it: the test holds c's lease of a's
        // partition from before c's sink starts, as a stuck sink elsewhere would.
        coordinator = CoordinatorClient.connect(stack.coordinatorPeers().orElseThrow());
        heldLease = coordinator.acquire(group, "c", partitionOf("a"), "transaction-order-it", Duration.ofMinutes(5));
        stack.startSync(List.of(ACCOUNTS, ORDERS, LINES), Map.of("coordinator.lease.ttl.ms", "3000"));
    }

    @AfterAll
    void stopStack() {
        if (coordinator != null) {
            coordinator.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** The partition Kafka's default partitioner gives an origin's records (keyed by the origin). */
    private int partitionOf(String origin) {
        return Utils.toPositive(Utils.murmur2(origin.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Test
    void aReaderAtAReplicaNeverSeesPartOfATransfer() throws Exception {
        long seed = System.nanoTime();
        System.out.println("TransactionOrderIT visibility seed " + seed);
        Random random = new Random(seed);
        StringBuilder setup = new StringBuilder("BEGIN;\n");
        for (int id = 1; id <= 10; id++) {
            setup.append("INSERT INTO accounts VALUES (").append(id).append(", 'a', 1000);\n");
        }
        setup.append("COMMIT;\n");
        SqlClient.run(stack.site("a"), setup.toString(), Duration.ofMinutes(1));
        StackSql.awaitRow(stack, "b", "SELECT count(*) || '/' || sum(balance) FROM accounts", "10/10000");

        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger states = new AtomicInteger();
        List<String> torn = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            String last = null;
            try (Connection b = stack.site("b").connect(); Statement st = b.createStatement()) {
                while (reading.get()) {
                    try (ResultSet rs = st.executeQuery("SELECT sum(balance), string_agg(balance::text, ',' ORDER BY id)"
                            + " FROM accounts")) {
                        rs.next();
                        polls.incrementAndGet();
                        if (rs.getLong(1) != 10_000) {
                            torn.add(rs.getLong(1) + " in " + rs.getString(2));
                        }
                        if (!rs.getString(2).equals(last)) {
                            states.incrementAndGet();
                            last = rs.getString(2);
                        }
                    }
                }
            } catch (Exception e) {
                torn.add("reader failed: " + e);
            }
        }, "replica-reader");
        reader.start();

        // 400 transfers through psql, each moving an amount between two of a's rows in one transaction.
        StringBuilder transfers = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            int from = 1 + random.nextInt(10);
            int to = 1 + (from + random.nextInt(9)) % 10;
            int amount = 1 + random.nextInt(50);
            transfers.append("BEGIN;\nUPDATE accounts SET balance = balance - ").append(amount).append(" WHERE id = ")
                    .append(from).append(";\nUPDATE accounts SET balance = balance + ").append(amount)
                    .append(" WHERE id = ").append(to).append(";\nCOMMIT;\n");
        }
        SqlClient.run(stack.site("a"), transfers.toString(), Duration.ofMinutes(2));
        StackSql.awaitEqualAB(stack, TableRef.parse(ACCOUNTS));
        reading.set(false);
        reader.join(10_000);

        System.out.println("TransactionOrderIT seed " + seed + ": " + polls.get() + " reads at b saw " + states.get()
                + " states of the table");
        assertThat(torn).as("reads at b whose sum was not 10000 (seed %d)", seed).isEmpty();
        assertThat(states.get()).as("the reader saw the transfers arrive (seed %d)", seed).isGreaterThan(2);
    }

    @Test
    void aSiteThatReadsTheDependentTransactionFirstAppliesItsCauseFirst() throws Exception {
        // a writes an order with a line; b applies it and adds a line of its own to a's order.
        SqlClient.run(stack.site("a"), "BEGIN;\nINSERT INTO orders VALUES (1, 'from a');\n"
                + "INSERT INTO order_lines VALUES (10, 1, 1);\nCOMMIT;\n", Duration.ofMinutes(1));
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM order_lines WHERE order_id = 1", "1");
        SqlClient.run(stack.site("b"), "INSERT INTO order_lines VALUES (20, 1, 2);\n", Duration.ofMinutes(1));

        // c reads b's line (b's stream is a partition of its own) but may not apply it before a's order.
        Deadlines.await("c's sink holds b's transaction back", Duration.ofSeconds(60),
                () -> sinkFigure("c", "partitionsWaitingForDependencies") > 0,
                () -> "waiting " + sinkFigure("c", "partitionsWaitingForDependencies"));
        assertThat(StackSql.query(stack, "c", "SELECT count(*) FROM order_lines")).isEqualTo("0");
        coordinator.release(heldLease);

        StackSql.awaitRow(stack, "c", "SELECT string_agg(id::text, ',' ORDER BY id) FROM order_lines", "10,20");
        assertThat(StackSql.query(stack, "c", "SELECT count(*) FROM orders")).isEqualTo("1");
        assertThat(originFigure("c", "dependencyWaits")).as("b's transaction waited for a's at c").containsKey("b");
        assertThat(StackSql.query(stack, "c", "SELECT count(*) FROM syncline.conflicts")).as("no conflict at c")
                .isEqualTo("0");
        assertThat(sinkFigure("c", "deadLettered")).as("nothing refused at c").isZero();
        for (String table : List.of(ORDERS, LINES)) {
            StackSql.awaitEqualAB(stack, TableRef.parse(table));
        }
    }

    private Optional<Map<String, Object>> sinkMetrics(String site) {
        return ConnectorMetrics.read(ManagementFactory.getPlatformMBeanServer(), SinkTaskMetrics.CONTEXT,
                SyncGroupNames.of(stack.group()).sinkConnector(site));
    }

    private long sinkFigure(String site, String figure) {
        return sinkMetrics(site).map(m -> ((Number) m.get(figure)).longValue()).orElse(-1L);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Long> originFigure(String site, String figure) {
        Map<String, Long> out = new TreeMap<>();
        sinkMetrics(site).ifPresent(m -> ((Map<String, Map<String, Long>>) m.get("origins")).forEach(
                (origin, figures) -> {
                    if (figures.containsKey(figure)) {
                        out.put(origin, figures.get(figure));
                    }
                }));
        return out;
    }
}
