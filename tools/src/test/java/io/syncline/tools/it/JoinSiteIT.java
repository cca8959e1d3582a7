package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.SiteJoin;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new site joins a running mesh on the real stack (KRaft broker, Connect worker, PostgreSQL
 * servers): while sites a and b keep writing, site c is seeded from one snapshot of a (rows, vectors,
 * tombstones, the offsets a had applied) and catches up from the changes topic; nobody stops. Then
 * all three write, and all hold the same rows, every change applied exactly once everywhere.
 */
class JoinSiteIT {

    private static final String TABLE = "public.members";
    private static final String SCHEMA = "CREATE TABLE public.members (id bigint PRIMARY KEY, name text NOT NULL, "
            + "n bigint, code varchar(50))";

    private static EmbeddedStack stack;
    private static long seed;

    @BeforeAll
    static void startStack() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("JoinSiteIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        String group = "join" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        stack.applySql(SCHEMA);
        stack.startSync(List.of(TABLE), Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aNewSiteJoinsFromASnapshotAndCatchesUpWhileTheOthersWrite() throws Exception {
        SiteWriter atA = new SiteWriter(stack, "a", TABLE, seed, 1_000_000L).start();
        SiteWriter atB = new SiteWriter(stack, "b", TABLE, seed + 1, 2_000_000L).start();
        SiteWriter atC = null;
        SiteJoin.Result joined;
        try {
            awaitWrites(atA, 300);
            awaitWrites(atB, 300);
            String sourceA = stack.sourceConnector("a", List.of(TABLE)).name();
            String sinkB = stack.sinkConnector("b", List.of(TABLE)).name();
            joined = stack.joinSite("c", SCHEMA, "a");
            System.out.println("JoinSiteIT: site c joined with " + joined);
            assertThat(joined.rows()).isPositive();
            assertThat(joined.tombstones()).as("deleted rows' tombstones travel with the snapshot").isPositive();
            // Nobody stopped: the writers kept going and the others' connectors kept running.
            assertThat(atA.failure()).isNull();
            assertThat(atB.failure()).isNull();
            assertThat(stack.rest().taskStates(sourceA).values()).containsOnly("RUNNING");
            assertThat(stack.rest().taskStates(sinkB).values()).containsOnly("RUNNING");
            atC = new SiteWriter(stack, "c", TABLE, seed + 2, 3_000_000L).start();
            awaitWrites(atA, 200);
            awaitWrites(atC, 200);
        } finally {
            atA.stop();
            atB.stop();
            if (atC != null) {
                atC.stop();
            }
        }
        SiteWriter writerC = atC;
        for (SiteWriter w : List.of(atA, atB, writerC)) {
            assertThat(w.failure()).as("writer at %s", w.site).isNull();
        }
        Deadlines.await(TABLE + " equal at a, b and c", Duration.ofSeconds(180), () -> verify().equal(), () -> {
            try {
                return verify().differences() + ", failures " + stack.failures();
            } catch (SQLException e) {
                return e.getMessage();
            }
        });
        assertThat(verify().rows("c")).isPositive();
        // Exactly once: no dot twice anywhere; every change of c applied at a and b; every change of a and b
        // that c did not get in the snapshot applied at c exactly once.
        for (String site : List.of("a", "b", "c")) {
            assertThat(StackSql.query(stack, site, "SELECT count(*) - count(DISTINCT (dot_origin, dot_seq)) FROM syncline.apply_ledger"))
                    .as("dots applied twice at %s", site).isEqualTo("0");
        }
        for (String site : List.of("a", "b")) {
            assertThat(StackSql.query(stack, site, "SELECT count(*) FROM syncline.apply_ledger WHERE dot_origin = 'c'"))
                    .as("changes of c applied at %s", site).isEqualTo(String.valueOf(writerC.writes()));
        }
        assertThat(StackSql.query(stack, "b", "SELECT count(*) FROM syncline.apply_ledger WHERE dot_origin = 'a'"))
                .isEqualTo(String.valueOf(atA.writes()));
        // What c holds of a's and b's writes came either in the snapshot or through its sink, never both:
        // c's ledger holds only dots newer than the snapshot's vector of the row.
        assertThat(StackSql.query(stack, "c", "SELECT count(*) FROM syncline.apply_ledger WHERE dot_origin IN ('a', 'b')"))
                .as("changes of a and b applied at c after the snapshot").isNotEqualTo("0");
        assertThat(stack.failures()).isEmpty();
    }

    private static void awaitWrites(SiteWriter writer, long more) {
        long target = writer.writes() + more;
        Deadlines.await(writer.site + " wrote " + more + " more rows", Duration.ofSeconds(120),
                () -> writer.writes() >= target || writer.failure() != null, () -> String.valueOf(writer.writes()));
    }

    private static TableVerdict verify() throws SQLException {
        Map<String, Connection> sites = new LinkedHashMap<>();
        try {
            for (String site : List.of("a", "b", "c")) {
                sites.put(site, stack.site(site).connect());
            }
            return MeshVerification.withDefaults().verify(sites, TableRef.parse(TABLE));
        } finally {
            for (Connection c : sites.values()) {
                c.close();
            }
        }
    }

}
