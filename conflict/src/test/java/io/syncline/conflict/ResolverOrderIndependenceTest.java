package io.syncline.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ColumnValue;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ColumnStamp;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.RowState;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The property every resolver must have (design invariant 4): sites that see the same mutually
 * concurrent versions of a row, in any order and starting from any of them, end with the same
 * row and the same joined vector. Seeded; rerun a failure with {@code -Dsyncline.seed=N}.
 */
class ResolverOrderIndependenceTest {

    private static final String TABLE = "public.items";
    private static final int SETS = 300;
    private static final List<SiteId> SITES = Stream.of("a", "b", "c", "d", "e").map(SiteId::of).toList();
    private static final List<String> DATA_COLUMNS = List.of("name", "score", "note");
    private static final List<ColumnValue> SCORES = List.of(ColumnValue.NULL, ColumnValue.of(1L), ColumnValue.of(3L),
            ColumnValue.of(7L), ColumnValue.of(new BigDecimal("3.0")), ColumnValue.of(new BigDecimal("7.50")),
            ColumnValue.of(3.0), ColumnValue.of(Double.NaN), ColumnValue.of(-0.5));
    private static final List<ColumnValue> TEXTS = List.of(ColumnValue.NULL, ColumnValue.of("apple"),
            ColumnValue.of("Apple"), ColumnValue.of("apples"), ColumnValue.of("é"), ColumnValue.of("\uD83C\uDF4E"),
            ColumnValue.of("\uFF21"), ColumnValue.of(""));

    private static long seed;

    @BeforeAll
    static void chooseSeed() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("ResolverOrderIndependenceTest seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
    }

    static Stream<Arguments> resolvers() {
        return Stream.of(
                Arguments.of("last-writer-wins", Map.of()),
                Arguments.of("site-priority", Map.of("sites", "c,a")),
                Arguments.of("delete-wins", Map.of()),
                Arguments.of("update-wins", Map.of()),
                Arguments.of("max", Map.of("column", "score")),
                Arguments.of("min", Map.of("column", "score")),
                Arguments.of("max", Map.of("column", "name")),
                Arguments.of("min", Map.of("column", "name")),
                Arguments.of("column-last-writer-wins", Map.of()),
                Arguments.of("delta", Map.of("columns", "qty,balance")),
                Arguments.of("manual", Map.of()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("resolvers")
    void everyArrivalOrderGivesTheSameRow(String resolver, Map<String, String> options) {
        Map<String, String> settings = new HashMap<>();
        settings.put("conflict.resolver." + TABLE, resolver);
        options.forEach((option, value) -> settings.put("conflict.resolver." + TABLE + "." + option, value));
        ResolverRegistry registry = ResolverRegistry.from(settings, List.of(TABLE));
        Random random = new Random(seed ^ (resolver + options).hashCode());
        int newVersions = 0;
        for (int set = 0; set < SETS; set++) {
            List<RowState> versions = concurrentVersions(random);
            String where = resolver + " " + options + ", seed " + seed + ", set " + set + ": " + versions;

            Set<RowState> results = new LinkedHashSet<>();
            for (List<Integer> order : permutations(versions.size())) {
                RowState state = versions.get(order.get(0));
                for (int i = 1; i < order.size(); i++) {
                    state = merge(registry, state, versions.get(order.get(i)));
                }
                results.add(state);
            }
            assertThat(results).as(where + ": one result for every order").hasSize(1);
            RowState result = results.iterator().next();
            if (versions.stream().noneMatch(v -> v.withVv(result.vv()).equals(result))) {
                newVersions++;
            }

            VersionVector joined = versions.stream().map(RowState::vv).reduce(VersionVector.empty(),
                    VersionVector::join);
            assertThat(result.vv()).as(where).isEqualTo(joined);
            for (int tree = 0; tree < 10; tree++) {
                assertThat(mergeAsTree(registry, shuffled(versions, random), random))
                        .as(where + ": any grouping").isEqualTo(result);
            }
            for (RowState version : versions) {
                assertThat(merge(registry, version, version)).as(where + ": merge(x, x) == x").isEqualTo(version);
                assertThat(merge(registry, result, version)).as(where + ": a merged version absorbs its inputs")
                        .isEqualTo(result);
            }
            assertThat(merge(registry, result, result)).as(where + ": merge(r, r) == r").isEqualTo(result);
        }
        if (resolver.equals("column-last-writer-wins") || resolver.equals("delta")) {
            assertThat(newVersions).as("the generator must give merges something to combine").isGreaterThan(SETS / 10);
        }
    }

    private static RowState merge(ResolverRegistry registry, RowState local, RowState incoming) {
        return registry.resolve(TABLE, ConflictType.of(local, incoming), local, incoming).result();
    }

    /** Merges random halves separately, then the halves: associativity beyond left folds. */
    private static RowState mergeAsTree(ResolverRegistry registry, List<RowState> versions, Random random) {
        if (versions.size() == 1) {
            return versions.get(0);
        }
        int split = 1 + random.nextInt(versions.size() - 1);
        RowState left = mergeAsTree(registry, versions.subList(0, split), random);
        RowState right = mergeAsTree(registry, versions.subList(split, versions.size()), random);
        return random.nextBoolean() ? merge(registry, left, right) : merge(registry, right, left);
    }

    /**
     * 2 to 5 versions of one row from distinct sites, none of which saw another: each version has
     * seen all of its origin's writes and only some of every other version's origin. Clocks tie
     * often. Column stamps come from the version's own write or from a shared pool of earlier writes
     * (one value per stamp); counter entries are each site's cumulative change after the writes of it
     * the version saw.
     */
    static List<RowState> concurrentVersions(Random random) {
        int n = 2 + random.nextInt(4);
        List<SiteId> origins = shuffled(SITES, random).subList(0, n);
        Map<SiteId, Integer> writes = new HashMap<>();
        Map<SiteId, long[]> qty = new HashMap<>();
        Map<SiteId, long[]> balance = new HashMap<>();
        for (SiteId site : SITES) {
            int count = 1 + random.nextInt(4);
            writes.put(site, count);
            qty.put(site, cumulative(random, count));
            balance.put(site, cumulative(random, count));
        }
        long baseQty = random.nextInt(100);
        BigDecimal baseBalance = BigDecimal.valueOf(random.nextInt(100_000), 2);
        // Earlier writes have odd clocks, the versions' own writes even ones: stamps never collide.
        Map<String, List<Map.Entry<ColumnStamp, ColumnValue>>> pool = new HashMap<>();
        for (String column : DATA_COLUMNS) {
            List<Map.Entry<ColumnStamp, ColumnValue>> earlier = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ColumnStamp stamp = new ColumnStamp(2L * random.nextInt(10) + 1, SITES.get(random.nextInt(5)));
                if (earlier.stream().noneMatch(e -> e.getKey().equals(stamp))) {
                    earlier.add(Map.entry(stamp, randomValue(column, random)));
                }
            }
            pool.put(column, earlier);
        }

        List<RowState> versions = new ArrayList<>();
        for (SiteId origin : origins) {
            long hlc = 2L * (5 + random.nextInt(4));
            long sequence = writes.get(origin);
            Map<SiteId, Long> seen = new TreeMap<>();
            for (SiteId site : SITES) {
                int all = writes.get(site);
                seen.put(site, (long) (site.equals(origin) ? all
                        : origins.contains(site) ? random.nextInt(all) : random.nextInt(all + 1)));
            }
            VersionVector vv = VersionVector.of(seen);
            boolean deleted = random.nextInt(10) < 3;
            Map<String, Map<SiteId, Long>> counters = new LinkedHashMap<>();
            Map<SiteId, Long> qtyEntries = entries(qty, seen);
            Map<SiteId, Long> balanceEntries = entries(balance, seen);
            if (!deleted || random.nextBoolean()) {
                putIfNotEmpty(counters, "qty", qtyEntries);
                putIfNotEmpty(counters, "balance", balanceEntries);
            }
            if (deleted) {
                versions.add(new RowState(true, Map.of(), vv, hlc, origin, sequence, Map.of(), counters));
                continue;
            }
            ColumnStamp own = new ColumnStamp(hlc, origin);
            Map<String, ColumnValue> columns = new LinkedHashMap<>();
            Map<String, ColumnStamp> stamps = new LinkedHashMap<>();
            columns.put("id", ColumnValue.of(1L));
            stamps.put("id", new ColumnStamp(0, SITES.get(0)));
            for (String column : DATA_COLUMNS) {
                List<Map.Entry<ColumnStamp, ColumnValue>> older = pool.get(column).stream()
                        .filter(e -> e.getKey().compareTo(own) < 0).toList();
                if (older.isEmpty() || random.nextBoolean()) {
                    columns.put(column, randomValue(column, random));
                    stamps.put(column, own);
                } else {
                    Map.Entry<ColumnStamp, ColumnValue> inherited = older.get(random.nextInt(older.size()));
                    columns.put(column, inherited.getValue());
                    stamps.put(column, inherited.getKey());
                }
            }
            columns.put("qty", ColumnValue.of(baseQty + sum(qtyEntries)));
            columns.put("balance", ColumnValue.of(baseBalance.add(BigDecimal.valueOf(sum(balanceEntries)))));
            stamps.put("qty", own);
            stamps.put("balance", own);
            versions.add(new RowState(false, columns, vv, hlc, origin, sequence, stamps, counters));
        }
        return versions;
    }

    private static ColumnValue randomValue(String column, Random random) {
        List<ColumnValue> choices = column.equals("score") ? SCORES : TEXTS;
        return choices.get(random.nextInt(choices.size()));
    }

    /** A site's cumulative change after each of its writes; index 0 is before any. */
    private static long[] cumulative(Random random, int writes) {
        long[] sums = new long[writes + 1];
        for (int i = 1; i <= writes; i++) {
            sums[i] = sums[i - 1] + random.nextInt(16) - 5;
        }
        return sums;
    }

    private static Map<SiteId, Long> entries(Map<SiteId, long[]> sums, Map<SiteId, Long> seen) {
        Map<SiteId, Long> entries = new TreeMap<>();
        seen.forEach((site, count) -> {
            if (count > 0) {
                entries.put(site, sums.get(site)[count.intValue()]);
            }
        });
        return entries;
    }

    private static void putIfNotEmpty(Map<String, Map<SiteId, Long>> counters, String column,
            Map<SiteId, Long> entries) {
        if (!entries.isEmpty()) {
            counters.put(column, entries);
        }
    }

    private static long sum(Map<SiteId, Long> entries) {
        return entries.values().stream().mapToLong(Long::longValue).sum();
    }

    private static <T> List<T> shuffled(List<T> items, Random random) {
        List<T> copy = new ArrayList<>(items);
        Collections.shuffle(copy, random);
        return copy;
    }

    private static List<List<Integer>> permutations(int n) {
        List<List<Integer>> all = new ArrayList<>();
        permute(new ArrayList<>(), n, all);
        return all;
    }

    private static void permute(List<Integer> prefix, int n, List<List<Integer>> out) {
        if (prefix.size() == n) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!prefix.contains(i)) {
                prefix.add(i);
                permute(prefix, n, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }
}
