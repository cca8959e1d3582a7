package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.DemoWorkload;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two PostgreSQL sites on the real stack (KRaft broker, distributed Connect worker with the
 * plugin from plugin.path, private PostgreSQL servers): changes written at one site arrive at the
 * other exactly once, also across a restart of the sink connector.
 */
class PostgresMeshIT {

    private static final String MAIN = "public.items_main";
    private static final String BOTH = "public.items_both";
    private static final String REPLAY = "public.items_replay";

    private static EmbeddedStack stack;
    private static long seed;

    @BeforeAll
    static void startStack() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("PostgresMeshIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        String group = "mesh" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        System.out.println("PostgresMeshIT embedded stack started in " + stack.startupTime().toMillis() + " ms");
        for (String table : List.of(MAIN, BOTH, REPLAY)) {
            stack.applySql(DemoWorkload.SCHEMA.replace("public.items", table));
        }
        stack.startSync(List.of(MAIN, BOTH, REPLAY), Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void tenThousandMixedChangesArriveExactlyOnceAcrossASinkRestart() throws Exception {
        String sinkB = stack.sinkConnector("b", List.of(MAIN, BOTH, REPLAY)).name();
        AtomicBoolean restarted = new AtomicBoolean();
        long writes;
        try (Connection a = stack.site("a").connect()) {
            writes = new DemoWorkload(MAIN, seed).run(a, 10_000, 100, done -> {
                if (done >= 5_000 && restarted.compareAndSet(false, true)) {
                    stack.rest().restartConnector(sinkB, true);
                }
            });
        }
        assertThat(restarted).as("the sink was restarted mid-stream").isTrue();
        assertThat(writes).isGreaterThanOrEqualTo(10_000);

        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            Deadlines.await("site b applied all " + writes + " changes of " + MAIN, Duration.ofSeconds(180),
                    () -> ledgerCount(b, MAIN, "a") >= writes, () -> "ledger " + StackSql.quietly(() -> String.valueOf(ledgerCount(b, MAIN, "a")))
                            + ", failures " + stack.failures());
            TableVerdict result = compare(a, b, MAIN);
            assertThat(result.differences()).as("rows of %s differing between a and b (seed %d)", MAIN, seed)
                    .isEmpty();
            assertThat(result.rows("a")).isPositive();
            // Exactly once: every change written at a is in b's apply ledger once, none twice.
            assertThat(ledgerCount(b, MAIN, "a")).as("changes applied at b (seed %d)", seed).isEqualTo(writes);
            assertThat(distinctDots(b, MAIN)).as("distinct dots applied at b").isEqualTo(writes);
            assertThat(maxSequenceAt(a, MAIN)).as("a's newest dot for the table is among b's applied ones")
                    .isEqualTo(maxLedgerSequence(b, MAIN));
        }
    }

    @Test
    void bothSitesWriteAndNeitherReceivesItsOwnChangesBack() throws Exception {
        long writesA;
        long writesB;
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            writesA = new DemoWorkload(BOTH, seed + 1).run(a, 1_000, 50, done -> { });
            // Site b writes its own key range, so the two streams never touch the same row.
            writesB = new DemoWorkload(BOTH, seed + 2).withFirstId(1_000_000).run(b, 1_000, 50, done -> { });
            Deadlines.await("both sites applied each other's changes", Duration.ofSeconds(120),
                    () -> ledgerCount(b, BOTH, "a") >= writesA && ledgerCount(a, BOTH, "b") >= writesB,
                    () -> "b applied " + StackSql.quietly(() -> String.valueOf(ledgerCount(b, BOTH, "a"))) + "/" + writesA + ", a applied "
                            + StackSql.quietly(() -> String.valueOf(ledgerCount(a, BOTH, "b"))) + "/" + writesB + ", failures "
                            + stack.failures());
            TableVerdict result = compare(a, b, BOTH);
            assertThat(result.differences()).as("rows differing (seed %d)", seed).isEmpty();
            assertThat(ledgerCount(b, BOTH, "a")).isEqualTo(writesA);
            assertThat(ledgerCount(a, BOTH, "b")).isEqualTo(writesB);
            // Loop-free: a site never applies a change that originated at itself.
            assertThat(ledgerCount(a, BOTH, "a")).isZero();
            assertThat(ledgerCount(b, BOTH, "b")).isZero();
        }
    }

    @Test
    void replayingTheWholeTopicFromTheStartAppliesNothingTwice() throws Exception {
        long writes;
        try (Connection a = stack.site("a").connect()) {
            writes = new DemoWorkload(REPLAY, seed + 3).run(a, 2_000, 100, done -> { });
        }
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            Deadlines.await("site b applied all " + writes + " changes of " + REPLAY, Duration.ofSeconds(120),
                    () -> ledgerCount(b, REPLAY, "a") >= writes, () -> "failures " + stack.failures());
            String sinkB = stack.sinkConnector("b", List.of(MAIN, BOTH, REPLAY)).name();
            stack.rest().stopConnector(sinkB);
            Deadlines.await(sinkB + " stopped", Duration.ofSeconds(60),
                    () -> "STOPPED".equals(stack.rest().connectorState(sinkB)), () -> stack.rest().connectorState(sinkB));
            // Forget every consumed position, in Kafka and in the site's database: the sink starts
            // again from the first record of the topic, and only the version vectors stand
            // between the replay and a second apply.
            stack.rest().resetOffsets(sinkB);
            try (PreparedStatement ps = b.prepareStatement("DELETE FROM syncline.offsets WHERE consumer = ?")) {
                ps.setString(1, sinkB);
                assertThat(ps.executeUpdate()).as("stored offset rows removed").isPositive();
            }
            long appliedBefore = ledgerCount(b, REPLAY, "a");
            stack.rest().resumeConnector(sinkB);
            stack.rest().awaitRunning(sinkB, Duration.ofSeconds(60));
            long endOffsets = stack.kafka().endOffsetsSum(stack.changesTopic());
            Deadlines.await("the resumed sink consumed the topic again to its end", Duration.ofSeconds(120),
                    () -> storedOffsetsSum(b, sinkB) >= endOffsets,
                    () -> "stored " + StackSql.quietly(() -> String.valueOf(storedOffsetsSum(b, sinkB))) + " of " + endOffsets);
            assertThat(ledgerCount(b, REPLAY, "a")).as("changes applied at b after the replay").isEqualTo(appliedBefore)
                    .isEqualTo(writes);
            assertThat(compare(a, b, REPLAY).differences()).isEmpty();
        }
    }

    /** Every row of the table at a and b, compared by chunked checksums and then by key where they differ. */
    private static TableVerdict compare(Connection a, Connection b, String table) throws SQLException {
        Map<String, Connection> sites = new LinkedHashMap<>();
        sites.put("a", a);
        sites.put("b", b);
        return MeshVerification.withDefaults().verify(sites, TableRef.parse(table));
    }

    @Test
    void theReplicationSlotOfASiteThatOnlyReceivesKeepsMoving() throws Exception {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            String before = slotPosition(b);
            // Counted before writing: b may apply some of the writes before they all are written.
            long appliedBefore = ledgerCount(b, MAIN, "a");
            long writes = new DemoWorkload(MAIN, seed + 4).withFirstId(5_000_000).run(a, 300, 100, done -> { });
            long target = appliedBefore + writes;
            Deadlines.await("b applied a's changes", Duration.ofSeconds(60), () -> ledgerCount(b, MAIN, "a") >= target,
                    () -> "failures " + stack.failures());
            // b applied rows (WAL at b) but shipped nothing of its own: heartbeats move its slot on.
            Deadlines.await("b's slot confirmed past the applied changes", Duration.ofSeconds(60),
                    () -> lsnGreater(b, slotPosition(b), before), () -> "slot at " + StackSql.quietly(() -> String.valueOf(slotPosition(b))));
        }
    }

    private static String slotPosition(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name LIKE 'syncline%'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : "0/0";
        }
    }

    private static boolean lsnGreater(Connection c, String now, String before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::pg_lsn > ?::pg_lsn")) {
            ps.setString(1, now);
            ps.setString(2, before);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static long storedOffsetsSum(Connection c, String consumer) throws SQLException {
        return MeshAudit.queryLong(c, "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets WHERE consumer = ?", consumer);
    }

    private static long ledgerCount(Connection c, String table, String origin) throws SQLException {
        return MeshAudit.queryLong(c, "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ? AND dot_origin = ?",
                table, origin);
    }

    private static long distinctDots(Connection c, String table) throws SQLException {
        return MeshAudit.queryLong(c, "SELECT count(DISTINCT (dot_origin, dot_seq)) FROM syncline.apply_ledger "
                + "WHERE table_name = ?", table);
    }

    private static long maxSequenceAt(Connection c, String table) throws SQLException {
        return MeshAudit.queryLong(c, "SELECT max(seq) FROM syncline.row_meta WHERE table_name = ?", table);
    }

    private static long maxLedgerSequence(Connection c, String table) throws SQLException {
        return MeshAudit.queryLong(c, "SELECT max(dot_seq) FROM syncline.apply_ledger WHERE table_name = ?", table);
    }


}
