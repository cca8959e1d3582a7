package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.SiteId;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.VersionVector;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.SiteServer;
import io.syncline.tools.cli.ConcurrentWorkload;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.cli.TombstoneCandidates.Tombstone;
import io.syncline.tools.cli.TombstoneCollection;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tombstone garbage collection on the real stack: three PostgreSQL sites insert, update, delete and
 * re-insert hot keys at once (and delete a cold key now and then) while collection rounds run, then one
 * more round after quiescence. Tombstones
 * are collected, every site ends identical, every dot is applied exactly once, and no row is resurrected:
 * no surviving row's version is one a collected tombstone had already superseded.
 *
 * <p>Seed: {@code -Dsyncline.seed=N}; otherwise random, printed.
 */
class TombstoneCollectionIT {

    private static final List<String> SITES = List.of("a", "b", "c");
    private static final String TABLE = "public.accounts_gc";
    private static final int KEYS = 200;
    private static final int OPS_PER_BURST = 200;
    private static final int ROUNDS_DURING_LOAD = 3;

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "gc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres,c:postgres").withGroup(group));
        stack.applySql(String.format(ConcurrentWorkload.SCHEMA, TABLE));
        stack.startSync(List.of(TABLE), Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void roundsDuringAConcurrentLoadCollectTombstonesAndChangeNoOutcome() throws Exception {
        long seed = Long.getLong("syncline.seed", ThreadLocalRandom.current().nextLong());
        System.out.println("TombstoneCollectionIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        TombstoneCollection gc = new TombstoneCollection(mesh(), Duration.ofSeconds(60),
                line -> System.out.println("TombstoneCollectionIT gc: " + line));

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(SITES.size());
        List<Future<Integer>> writers = new ArrayList<>();
        for (int i = 0; i < SITES.size(); i++) {
            String site = SITES.get(i);
            long siteSeed = seed * 31 + i;
            writers.add(pool.submit(() -> writeUntilStopped(site, siteSeed, stop)));
        }
        List<TombstoneCollection.Round> rounds = new ArrayList<>();
        try {
            // At least three rounds under load, and (for up to 40 s) until one of them collected something.
            long started = System.nanoTime();
            while (rounds.size() < ROUNDS_DURING_LOAD || (collectedSoFar(rounds) == 0
                    && System.nanoTime() - started < Duration.ofSeconds(40).toNanos())) {
                Deadlines.pause(Duration.ofSeconds(2));
                rounds.add(gc.run(false));
            }
        } finally {
            stop.set(true);
        }
        int ops = 0;
        for (Future<Integer> w : writers) {
            ops += w.get();
        }
        pool.shutdown();
        int duringLoad = rounds.size();
        int collectedDuringLoad = collectedSoFar(rounds);
        System.out.println("TombstoneCollectionIT: " + ops + " operations committed at 3 sites during " + duringLoad
                + " rounds, which collected " + collectedDuringLoad);

        awaitQuiescence(seed);
        rounds.add(gc.run(false));

        for (TombstoneCollection.Round r : rounds) {
            System.out.printf("TombstoneCollectionIT round %s: %d known everywhere, collected %s, %d ms%n", r.id(),
                    r.candidates(), r.collected(), r.duration().toMillis());
        }
        int collected = collectedSoFar(rounds);
        assertThat(collectedDuringLoad).as("tombstones collected by rounds under load (seed %d)", seed).isPositive();
        assertThat(collected).as("tombstones collected over %d rounds (seed %d)", rounds.size(), seed).isPositive();
        for (TombstoneCollection.Round r : rounds) {
            r.collected().values().forEach(n -> assertThat(n).isLessThanOrEqualTo(r.candidates()));
        }

        Map<String, Connection> c = connections();
        try {
            assertThat(verify(c).equal()).as("all sites equal after the last round (seed %d)", seed).isTrue();
            for (String site : SITES) {
                long applied = queryLong(c.get(site), "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ?");
                long distinct = queryLong(c.get(site), "SELECT count(DISTINCT (dot_origin, dot_seq)) "
                        + "FROM syncline.apply_ledger WHERE table_name = ?");
                assertThat(distinct).as("distinct dots applied at %s (seed %d)", site, seed).isEqualTo(applied);
                assertThat(queryLong(c.get(site), "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ? "
                        + "AND dot_origin = '" + site + "'")).as("own changes applied at %s", site).isZero();
                long recorded = queryLong(c.get(site), "SELECT count(*) FROM syncline.gc_rounds WHERE ? IS NOT NULL");
                assertThat(recorded).as("rounds recorded at %s", site)
                        .isEqualTo(rounds.stream().filter(r -> r.candidates() > 0).count());
            }
            assertNothingResurrected(c, rounds, seed);
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
    }

    private static int collectedSoFar(List<TombstoneCollection.Round> rounds) {
        return rounds.stream().mapToInt(TombstoneCollection.Round::collectedMax).sum();
    }

    /** Bursts of the seeded hot-key workload until told to stop; returns committed operations. */
    private static int writeUntilStopped(String site, long seed, AtomicBoolean stop) throws SQLException {
        int ops = 0;
        try (Connection c = stack.site(site).connect()) {
            long coldBase = 1_000_000L + 100_000L * SITES.indexOf(site);
            for (int burst = 0; !stop.get(); burst++) {
                ops += new ConcurrentWorkload(TABLE, KEYS, seed + 1_000_003L * burst)
                        .run(c, site, OPS_PER_BURST, done -> { }).committedOperations();
                // Besides the hot keys, one cold key per burst: inserted now, deleted in the next burst, never
                // written again, so its tombstone settles at every site while the hot keys keep churning.
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO public.accounts_gc (id, owner, balance) "
                        + "VALUES (?, ?, 0)");
                        PreparedStatement del = c.prepareStatement("DELETE FROM public.accounts_gc WHERE id = ?")) {
                    ins.setLong(1, coldBase + burst);
                    ins.setString(2, site);
                    ins.executeUpdate();
                    if (burst > 0) {
                        del.setLong(1, coldBase + burst - 1);
                        del.executeUpdate();
                    }
                }
                ops += burst > 0 ? 2 : 1;
            }
        }
        return ops;
    }

    /**
     * Every row that exists at the end was written by a write no collected tombstone of its key had
     * seen: its winning dot (origin, seq) is not inside the tombstone's vector. A row brought back by
     * a late, older change after its tombstone was dropped would break this.
     */
    private static void assertNothingResurrected(Map<String, Connection> c, List<TombstoneCollection.Round> rounds,
            long seed) throws SQLException {
        Map<String, String[]> live = new LinkedHashMap<>();
        try (PreparedStatement ps = c.get("a").prepareStatement("""
                SELECT t.id::text, m.origin, m.seq FROM public.accounts_gc t
                  LEFT JOIN syncline.row_meta m ON m.table_name = ? AND m.pk = t.id::text""")) {
            ps.setString(1, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    live.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        int checked = 0;
        for (TombstoneCollection.Round r : rounds) {
            for (Tombstone t : r.tombstones()) {
                String[] winner = live.get(t.pk());
                if (!t.table().equals(TABLE) || winner == null) {
                    continue;
                }
                assertThat(winner[0]).as("meta of live key %s (seed %d)", t.pk(), seed).isNotNull();
                long seenByTombstone = VersionVector.parse(t.vv()).get(SiteId.of(winner[0]));
                assertThat(Long.parseLong(winner[1])).as("key %s: the live version %s:%s is newer than the tombstone "
                        + "%s collected in round %s (seed %d)", t.pk(), winner[0], winner[1], t.vv(), r.id(), seed)
                        .isGreaterThan(seenByTombstone);
                checked++;
            }
        }
        System.out.println("TombstoneCollectionIT: " + checked + " collected keys live again, each by a newer write");
    }

    private static void awaitQuiescence(long seed) throws Exception {
        Map<String, Connection> c = connections();
        try {
            Deadlines.await("all three sites identical and every change consumed", Duration.ofSeconds(60), () -> {
                long end = stack.kafka().endOffsetsSum(stack.changesTopic());
                for (String site : SITES) {
                    try (PreparedStatement ps = c.get(site).prepareStatement(
                            "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets");
                            ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) < end) {
                            return false;
                        }
                    }
                }
                return verify(c).equal() && stack.kafka().endOffsetsSum(stack.changesTopic()) == end;
            }, () -> "seed " + seed + ", failures " + stack.failures());
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
    }

    private static TombstoneCollection.Mesh mesh() {
        Map<String, TombstoneCollection.Site> sites = new LinkedHashMap<>();
        for (String id : SITES) {
            SiteServer s = stack.site(id);
            sites.put(id, new TombstoneCollection.Site(id, s.jdbcUrl(), s.user(), s.password(),
                    SyncGroupNames.of(stack.group()).slot(id)));
        }
        return new TombstoneCollection.Mesh(stack.group(), stack.kafka().bootstrapServers(), stack.changesTopic(), sites,
                null);
    }

    private static TableVerdict verify(Map<String, Connection> c) throws SQLException {
        Map<String, Connection> ordered = new LinkedHashMap<>();
        for (String site : SITES) {
            ordered.put(site, c.get(site));
        }
        return MeshVerification.withDefaults().verify(ordered, TableRef.parse(TABLE));
    }

    private static Map<String, Connection> connections() throws SQLException {
        Map<String, Connection> c = new LinkedHashMap<>();
        for (String site : SITES) {
            c.put(site, stack.site(site).connect());
        }
        return c;
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
