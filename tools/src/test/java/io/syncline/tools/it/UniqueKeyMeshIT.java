package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.connector.metrics.ConnectorMetrics;
import io.syncline.connector.metrics.SinkTaskMetrics;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.embedded.EmbeddedStack;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Unique keys other than the primary key on a mixed mesh (two PostgreSQL sites and a MariaDB site): every
 * site inserts users and accounts at once, with keys that never collide across sites (site i uses the ids
 * {@code 3n + i}), and some emails and logins are inserted at two or three sites at once. After quiescence
 * every site holds the same rows, nothing went to a dead-letter topic, and each value is held by the
 * lowest id that committed it ({@code lowest-key-wins}): a user that lost its email keeps the row without
 * it (the column can be NULL), an account that lost its login is gone (it cannot), and each loser is in a
 * {@code unique-key} conflict log entry.
 *
 * <p>Seed: {@code -Dsyncline.seed=N} repeats a run; it is printed.
 */
class UniqueKeyMeshIT {

    private static final List<String> SITES = List.of("a", "b", "c");
    private static final int USERS_PER_SITE = Integer.getInteger("syncline.unique.users", 150);
    private static final String SCHEMA = """
            CREATE TABLE uk_users (id bigint PRIMARY KEY, email varchar(100) UNIQUE, name varchar(100));
            CREATE TABLE uk_accounts (id bigint PRIMARY KEY, login varchar(100) NOT NULL UNIQUE, name varchar(100));
            """;

    @Test
    void usersWithOneEmailAtSeveralSitesEndWithOneRowPerEmailEverywhereAndNoDeadLetters() throws Exception {
        long seed = Long.getLong("syncline.seed", ThreadLocalRandom.current().nextLong());
        System.out.println("UniqueKeyMeshIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        String group = "uk" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres,c:mariadb")
                .withGroup(group))) {
            stack.applySql(SCHEMA);
            stack.startSync(List.of("public.uk_users", "public.uk_accounts"), Map.of());

            // Per n: the sites that insert the shared value n (two or three of them), or none (each its own).
            Random random = new Random(seed);
            List<List<Integer>> sharing = new ArrayList<>();
            for (int n = 0; n < USERS_PER_SITE; n++) {
                List<Integer> sites = new ArrayList<>(List.of(0, 1, 2));
                Collections.shuffle(sites, random);
                int r = random.nextInt(10);
                sharing.add(r < 2 ? sites : r < 4 ? sites.subList(0, 2) : List.of());
            }
            Map<String, List<Long>> users = new ConcurrentHashMap<>();
            Map<String, List<Long>> accounts = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(SITES.size());
            List<Future<Integer>> refusedAtOrigin = new ArrayList<>();
            for (int i = 0; i < SITES.size(); i++) {
                int site = i;
                refusedAtOrigin.add(pool.submit(() -> {
                    int refused = 0;
                    try (Connection c = stack.site(SITES.get(site)).connect()) {
                        for (int n = 0; n < USERS_PER_SITE; n++) {
                            long id = 3L * n + site + 1;
                            boolean shared = sharing.get(n).contains(site);
                            String email = shared ? "shared" + n + "@example.com" : SITES.get(site) + n + "@example.com";
                            String login = shared ? "shared" + n : SITES.get(site) + n;
                            refused += insert(c, "uk_users", id, email, users) ? 0 : 1;
                            refused += insert(c, "uk_accounts", id, login, accounts) ? 0 : 1;
                        }
                    }
                    return refused;
                }));
            }
            int refused = 0;
            for (Future<Integer> f : refusedAtOrigin) {
                refused += f.get();
            }
            pool.shutdown();
            long sharedValues = sharing.stream().filter(s -> !s.isEmpty()).count();
            System.out.printf("UniqueKeyMeshIT seed %d: %d values shared by several sites, %d inserts refused at "
                    + "their origin (the value had arrived already)%n", seed, sharedValues, refused);

            awaitQuiescence(stack, seed);
            Map<String, Connection> c = connections(stack);
            try {
                long conflicts = 0;
                for (String site : SITES) {
                    assertThat(sinkFigure(stack, site, "deadLettered")).as("dead letters at %s (seed %d)", site, seed)
                            .isZero();
                    conflicts += count(c.get(site), "SELECT count(*) FROM syncline.conflicts WHERE conflict_type = "
                            + "'unique-key' AND table_name LIKE 'public.uk_%'");
                }
                int losers = checkRule(c, "uk_users", "email", users, false, seed)
                        + checkRule(c, "uk_accounts", "login", accounts, true, seed);
                System.out.printf("UniqueKeyMeshIT seed %d: %d rows lost a value, %d unique-key conflicts logged%n",
                        seed, losers, conflicts);
                assertThat(losers).as("values collided across sites (seed %d)", seed).isPositive();
            } finally {
                for (Connection connection : c.values()) {
                    connection.close();
                }
            }
        }
    }

    /** Inserts one row as the application would; false when the site refused it (its value is there already). */
    private static boolean insert(Connection c, String table, long id, String value, Map<String, List<Long>> committed) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, value);
            ps.setString(3, "row " + id);
            ps.executeUpdate();
            committed.computeIfAbsent(value, k -> Collections.synchronizedList(new ArrayList<>())).add(id);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Checks at site a (the others are identical) that each value is held by the lowest id that committed
     * it, and that every other such row lost it (its column NULL, or the row deleted) and is logged in a
     * {@code unique-key} conflict at some site; returns how many rows lost a value.
     */
    private static int checkRule(Map<String, Connection> c, String table, String column,
            Map<String, List<Long>> committed, boolean deleted, long seed) throws SQLException {
        int losers = 0;
        for (Map.Entry<String, List<Long>> value : committed.entrySet()) {
            List<Long> ids = new ArrayList<>(value.getValue());
            Collections.sort(ids);
            assertThat(query(c.get("a"), "SELECT id FROM " + table + " WHERE " + column + " = '" + value.getKey() + "'"))
                    .as("%s.%s %s is held by the lowest id of %s (seed %d)", table, column, value.getKey(), ids, seed)
                    .containsExactly(Long.toString(ids.get(0)));
            for (long loser : ids.subList(1, ids.size())) {
                losers++;
                assertThat(query(c.get("a"), "SELECT coalesce(" + column + ", 'NULL') FROM " + table + " WHERE id = "
                        + loser)).as("%s %d lost %s (seed %d)", table, loser, value.getKey(), seed)
                        .isEqualTo(deleted ? List.of() : List.of("NULL"));
                long logged = 0;
                for (String site : SITES) {
                    logged += count(c.get(site), "SELECT count(*) FROM syncline.conflicts WHERE conflict_type = "
                            + "'unique-key' AND rule = 'lowest-key-wins' AND table_name = 'public." + table
                            + "' AND pk = '" + loser + "'");
                }
                assertThat(logged).as("%s %d is in a unique-key conflict log (seed %d)", table, loser, seed)
                        .isPositive();
            }
        }
        return losers;
    }

    private static void awaitQuiescence(EmbeddedStack stack, long seed) throws SQLException {
        Map<String, Connection> c = connections(stack);
        try {
            Deadlines.await("all three sites identical and every change consumed", Duration.ofSeconds(180), () -> {
                long end = stack.kafka().endOffsetsSum(stack.changesTopic());
                for (String site : SITES) {
                    if (count(c.get(site), "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets") < end) {
                        return false;
                    }
                }
                for (String table : List.of("uk_users", "uk_accounts")) {
                    if (!MeshVerification.withDefaults().verify(c, TableRef.parse("public." + table)).equal()) {
                        return false;
                    }
                }
                return stack.kafka().endOffsetsSum(stack.changesTopic()) == end;
            }, () -> "seed " + seed + ", failures " + stack.failures());
        } finally {
            for (Connection connection : c.values()) {
                connection.close();
            }
        }
    }

    private static long sinkFigure(EmbeddedStack stack, String site, String figure) {
        return ConnectorMetrics.read(ManagementFactory.getPlatformMBeanServer(), SinkTaskMetrics.CONTEXT,
                SyncGroupNames.of(stack.group()).sinkConnector(site)).map(m -> ((Number) m.get(figure)).longValue())
                .orElse(-1L);
    }

    private static Map<String, Connection> connections(EmbeddedStack stack) throws SQLException {
        Map<String, Connection> c = new LinkedHashMap<>();
        for (String site : SITES) {
            c.put(site, stack.site(site).connect());
        }
        return c;
    }

    private static List<String> query(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
