package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.ConcurrentWorkload;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Three sites written at once on hot keys (inserts of the same key at several sites,
 * updates racing deletes, primary-key changes), on the real stack. After quiescence every site is
 * identical, no dot was applied twice anywhere, no change echoed back, and every local write that
 * lost a conflict is in the losing site's conflict log.
 *
 * <p>Seeds: {@code -Dsyncline.seed=N} runs one; otherwise {@code -Dsyncline.convergence.seeds=K}
 * random ones (2 by default; the {@code convergence-soak} profile runs 20). One subclass per mesh:
 * {@link ConvergenceIT} (three PostgreSQL sites), {@link MixedConvergenceIT} (two PostgreSQL sites and
 * a MariaDB site).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConvergenceMeshIT {

    private static final List<String> SITES = List.of("a", "b", "c");
    private static final int KEYS = 300;
    private static final int OPS_PER_SITE = 3_400;

    /** A table no seed writes, for a subclass's own checks. */
    static final String PROBE_TABLE = "public.accounts_probe";

    private EmbeddedStack stack;
    private final List<String> tables = new ArrayList<>();

    /** The running stack, for a subclass's own checks. */
    EmbeddedStack stack() {
        return stack;
    }

    /** Every synced table, {@link #PROBE_TABLE} last. */
    List<String> tables() {
        return List.copyOf(tables);
    }

    /** The three sites a, b, c with their engines, e.g. {@code a:postgres,b:postgres,c:mariadb}. */
    abstract String sites();

    static LongStream seeds() {
        Long fixed = Long.getLong("syncline.seed");
        if (fixed != null) {
            return LongStream.of(fixed);
        }
        int count = Integer.getInteger("syncline.convergence.seeds", 2);
        return ThreadLocalRandom.current().longs(count);
    }

    @BeforeAll
    void startStack() {
        String group = "conv" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites(sites()).withGroup(group));
        int count = (int) seeds().count();
        for (int i = 0; i < Math.max(count, 1); i++) {
            tables.add("public.accounts_" + i);
        }
        tables.add(PROBE_TABLE);
        for (String table : tables) {
            stack.applySql(String.format(ConcurrentWorkload.SCHEMA, table),
                    String.format(ConcurrentWorkload.MARIADB_SCHEMA, table));
        }
        stack.startSync(tables, Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private int nextTable;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void threeSitesWritingAtOnceConverge(long seed) throws Exception {
        String table = tables.get(nextTable++);
        System.out.println(getClass().getSimpleName() + " (" + sites() + ") seed " + seed + " on " + table + " (rerun with -Dsyncline.seed=" + seed + ")");
        long startEnd = stack.kafka().endOffsetsSum(stack.changesTopic());

        ExecutorService pool = Executors.newFixedThreadPool(SITES.size());
        List<Future<int[]>> results = new ArrayList<>();
        for (int i = 0; i < SITES.size(); i++) {
            String site = SITES.get(i);
            long siteSeed = seed * 31 + i;
            results.add(pool.submit(() -> writeAt(site, table, siteSeed)));
        }
        int committedOps = 0;
        for (Future<int[]> f : results) {
            committedOps += f.get()[0];
        }
        pool.shutdown();
        long quiet = System.nanoTime();
        System.out.println(getClass().getSimpleName() + " seed " + seed + ": " + committedOps + " operations committed at 3 sites");
        assertThat(committedOps).as("operations issued (seed %d)", seed).isGreaterThanOrEqualTo(10_000);

        awaitQuiescence(table, seed);
        System.out.printf(getClass().getSimpleName() + " seed %d: all sites identical %d ms after the last write%n", seed,
                (System.nanoTime() - quiet) / 1_000_000);

        Map<String, Connection> c = connections();
        try {
            // No dot applied twice at any site.
            for (String site : SITES) {
                long applied = queryLong(c.get(site), "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ?", table);
                long distinct = queryLong(c.get(site), "SELECT count(*) FROM (SELECT DISTINCT dot_origin, dot_seq "
                        + "FROM syncline.apply_ledger WHERE table_name = ?) d", table);
                assertThat(distinct).as("distinct dots applied at %s (seed %d)", site, seed).isEqualTo(applied);
                assertThat(queryLong(c.get(site), "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ? "
                        + "AND dot_origin = '" + site + "'", table)).as("own changes applied at %s", site).isZero();
            }
            // Conflicts happened, and were logged where a local write lost.
            long conflicts = 0;
            for (String site : SITES) {
                conflicts += queryLong(c.get(site), "SELECT count(*) FROM syncline.conflicts WHERE table_name = ?", table);
            }
            System.out.printf(getClass().getSimpleName() + " seed %d: %d conflicts resolved (%.1f%% of operations)%n", seed, conflicts,
                    100.0 * conflicts / committedOps);
            assertThat(conflicts * 100).as("conflicts (seed %d)", seed).isGreaterThanOrEqualTo(5L * committedOps);
            assertLosersLogged(c, table, seed);
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
        assertEveryDotShippedOnce(startEnd, table, seed);
    }

    /** One site's application on hot keys (see {@link ConcurrentWorkload}). */
    private int[] writeAt(String site, String table, long seed) throws SQLException {
        try (Connection c = stack.site(site).connect()) {
            ConcurrentWorkload.Result r = new ConcurrentWorkload(table, KEYS, seed).run(c, site, OPS_PER_SITE, done -> { });
            return new int[] {r.committedOperations(), r.refusedTransactions()};
        }
    }

    private void awaitQuiescence(String table, long seed) throws Exception {
        Map<String, Connection> c = connections();
        try {
            Deadlines.await("all three sites identical and every change consumed", Duration.ofSeconds(120), () -> {
                long end = stack.kafka().endOffsetsSum(stack.changesTopic());
                for (String site : SITES) {
                    long consumed = queryLong(c.get(site), "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets",
                            null);
                    if (consumed < end) {
                        return false;
                    }
                }
                if (!verify(c, table).equal()) {
                    return false;
                }
                // Consumed everything and equal; equal again after the captures had a moment more.
                return stack.kafka().endOffsetsSum(stack.changesTopic()) == end;
            }, () -> "seed " + seed + ", failures " + stack.failures() + ", differences " + differences(c, table));
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
    }

    /**
     * For every row: a site's last write to it that is not the final version and did not happen
     * before the final version (the final version's own vector does not include it) lost a conflict.
     * Its loss must be logged: some site's conflict log holds a conflict on that row whose losing
     * version carries the write (the write itself, or a later version built on it).
     */
    private void assertLosersLogged(Map<String, Connection> c, String table, long seed) throws SQLException {
        Map<String, String[]> finalMeta = new HashMap<>();
        try (PreparedStatement ps = c.get("a").prepareStatement(
                "SELECT pk, vv, origin, seq FROM syncline.row_meta WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    finalMeta.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        Map<String, List<VersionVector>> losingVersions = new HashMap<>();
        for (String site : SITES) {
            try (PreparedStatement ps = c.get(site).prepareStatement(
                    "SELECT pk, winner, local_vv, incoming_vv FROM syncline.conflicts WHERE table_name = ?")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String loser = "local".equals(rs.getString(2)) ? rs.getString(4) : rs.getString(3);
                        losingVersions.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                .add(VersionVector.parse(loser));
                    }
                }
            }
        }
        int losers = 0;
        for (Map.Entry<String, String[]> row : finalMeta.entrySet()) {
            String key = row.getKey();
            VersionVector joined = VersionVector.parse(row.getValue()[0]);
            String winnerOrigin = row.getValue()[1];
            long winnerSeq = Long.parseLong(row.getValue()[2]);
            VersionVector winnerOwn = ownVector(c, table, key, winnerOrigin, winnerSeq);
            for (String site : SITES) {
                SiteId id = SiteId.of(site);
                long last = joined.get(id);
                if (last == 0 || (site.equals(winnerOrigin) && last == winnerSeq)) {
                    continue;
                }
                if (winnerOwn != null && winnerOwn.get(id) >= last) {
                    continue;
                }
                losers++;
                boolean logged = losingVersions.getOrDefault(key, List.of()).stream().anyMatch(v -> v.get(id) >= last);
                assertThat(logged).as("a conflict whose loser carries %s:%d of %s key %s is logged (seed %d)", site,
                        last, table, key, seed).isTrue();
            }
        }
        System.out.println(getClass().getSimpleName() + " seed " + seed + ": " + losers + " lost local writes, each in a conflict log");
    }

    /** The final version's own vector, from the ledger of a site that applied it. */
    private VersionVector ownVector(Map<String, Connection> c, String table, String key, String origin, long seq)
            throws SQLException {
        for (String site : SITES) {
            if (site.equals(origin)) {
                continue;
            }
            try (PreparedStatement ps = c.get(site).prepareStatement("SELECT vv FROM syncline.apply_ledger "
                    + "WHERE table_name = ? AND pk = ? AND dot_origin = ? AND dot_seq = ? LIMIT 1")) {
                ps.setString(1, table);
                ps.setString(2, key);
                ps.setString(3, origin);
                ps.setLong(4, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return VersionVector.parse(rs.getString(1));
                    }
                }
            }
        }
        return null;
    }

    /** Loop-free: every change of the run is on the changes topic exactly once. */
    private void assertEveryDotShippedOnce(long from, String table, long seed) {
        Map<String, Long> perDot = new HashMap<>();
        MeshAudit.readShipped(stack, table, perDot, new HashMap<>());
        assertThat(perDot).as("dots of %s on the changes topic (seed %d)", table, seed).isNotEmpty();
        assertThat(perDot.values()).as("times each dot was shipped (seed %d)", seed).containsOnly(1L);
    }

    private TableVerdict verify(Map<String, Connection> c, String table) throws SQLException {
        Map<String, Connection> ordered = new LinkedHashMap<>();
        for (String site : SITES) {
            ordered.put(site, c.get(site));
        }
        return MeshVerification.withDefaults().verify(ordered, TableRef.parse(table));
    }

    private String differences(Map<String, Connection> c, String table) {
        try {
            TableVerdict verdict = verify(c, table);
            return verdict.differingKeys() + " keys " + verdict.problems();
        } catch (SQLException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    private Map<String, Connection> connections() throws SQLException {
        Map<String, Connection> c = new HashMap<>();
        for (String site : SITES) {
            c.put(site, stack.site(site).connect());
        }
        return c;
    }

    private static long queryLong(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}
