package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.site.UniqueKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link LowestKeyWins} on a site modelled in memory: every arrival order of 2-3 rows that collide on
 * their unique keys (each row in one or two versions, a later one replaying the same unique values, and
 * replays of everything) leaves the same rows, and those rows are the ones the rule names: per unique
 * value, the lowest key keeps it.
 */
class LowestKeyWinsTest {

    private static final UniqueKey NULLABLE_EMAIL = new UniqueKey("users_email_key", List.of("email"),
            Set.of("email"));
    private static final UniqueKey NOT_NULL_EMAIL = new UniqueKey("users_email_key", List.of("email"), Set.of());
    private static final UniqueKey PHONE = new UniqueKey("users_phone_key", List.of("phone"), Set.of("phone"));

    /** One version of a row as its origin wrote it: key, version number, values. */
    private record Version(String key, int version, Map<String, String> values) {
    }

    @Test
    void everyArrivalOrderGivesTheSameRowsWithSeveralNullableUniqueKeys() {
        checkOrders(List.of(NULLABLE_EMAIL, PHONE), "several nullable unique keys");
    }

    @Test
    void everyArrivalOrderGivesTheSameRowsWhenTheLoserIsDeleted() {
        checkOrders(List.of(NOT_NULL_EMAIL), "one NOT NULL unique key");
    }

    @Test
    void keysCompareAsNumbersWhenBothAreIntegers() {
        assertThat(LowestKeyWins.KEY_ORDER.compare("9", "10")).isNegative();
        assertThat(LowestKeyWins.KEY_ORDER.compare("-3", "2")).isNegative();
        assertThat(LowestKeyWins.KEY_ORDER.compare("b", "a")).isPositive();
        assertThat(LowestKeyWins.KEY_ORDER.compare("1,10", "1,9")).as("composite keys by text").isNegative();
    }

    @Test
    void theIncomingRowLosesTheValuesLowerKeysHoldAndTakesTheOthers() {
        LowestKeyWins.Decision d = LowestKeyWins.decide("5", List.of(
                new LowestKeyWins.Collision(NULLABLE_EMAIL, "3"), new LowestKeyWins.Collision(PHONE, "8")));

        assertThat(d.deleteIncoming()).isFalse();
        assertThat(d.incomingNulled()).containsExactly("email");
        assertThat(d.winners()).containsExactly("3");
        assertThat(d.localNulled()).containsExactly(Map.entry("8", Set.of("phone")));
        assertThat(d.localDeleted()).isEmpty();

        LowestKeyWins.Decision deleted = LowestKeyWins.decide("5", List.of(
                new LowestKeyWins.Collision(NOT_NULL_EMAIL, "3"), new LowestKeyWins.Collision(PHONE, "8")));

        assertThat(deleted.deleteIncoming()).isTrue();
        assertThat(deleted.localNulled()).as("a deleted row takes nothing from others").isEmpty();
        assertThat(LowestKeyWins.decide("2", List.of(new LowestKeyWins.Collision(NOT_NULL_EMAIL, "30")))
                .localDeleted()).containsExactly("30");
    }

    @Test
    void aRowNeverCollidesWithItself() {
        assertThatThrownBy(() -> LowestKeyWins.decide("5", List.of(new LowestKeyWins.Collision(PHONE, "5"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("itself");
    }

    private static void checkOrders(List<UniqueKey> keys, String what) {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("LowestKeyWinsTest (" + what + ") seed " + seed + " (-Dseed=" + seed + " repeats it)");
        Random random = new Random(seed);
        for (int scenario = 0; scenario < 300; scenario++) {
            List<Version> versions = scenario(random, keys);
            Map<String, Map<String, String>> expected = expected(versions, keys);
            List<List<Version>> orders = new ArrayList<>();
            permutations(versions, new ArrayList<>(), new boolean[versions.size()], orders);
            for (List<Version> order : orders) {
                List<Version> arrivals = new ArrayList<>(order);
                // Replays of a random part of what arrived, in a random order.
                for (Version v : order) {
                    if (random.nextBoolean()) {
                        arrivals.add(v);
                    }
                }
                assertThat(apply(arrivals, keys)).as("seed %d, scenario %d (%s), arrival order %s", seed, scenario,
                        what, arrivals).isEqualTo(expected);
            }
        }
    }

    /** 2-3 rows with distinct keys, values from small sets so that they collide; a second version sometimes. */
    private static List<Version> scenario(Random random, List<UniqueKey> keys) {
        int rows = 2 + random.nextInt(2);
        List<Version> versions = new ArrayList<>();
        List<String> used = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            String key;
            do {
                key = Integer.toString(random.nextInt(20));
            } while (used.contains(key));
            used.add(key);
            Map<String, String> values = new TreeMap<>();
            for (UniqueKey unique : keys) {
                for (String column : unique.columns()) {
                    boolean canBeNull = unique.nullable().contains(column);
                    values.put(column, canBeNull && random.nextInt(4) == 0 ? null
                            : column + random.nextInt(2));
                }
            }
            values.put("name", "v1");
            versions.add(new Version(key, 1, values));
            if (random.nextBoolean()) {
                Map<String, String> later = new TreeMap<>(values);
                later.put("name", "v2");
                versions.add(new Version(key, 2, later));
            }
        }
        return versions;
    }

    /** The rows the rule names: each row's last version; per unique value, the rows above the lowest lose it. */
    private static Map<String, Map<String, String>> expected(List<Version> versions, List<UniqueKey> keys) {
        Map<String, Map<String, String>> last = new TreeMap<>(LowestKeyWins.KEY_ORDER);
        for (Version v : versions) {
            last.put(v.key(), new TreeMap<>(v.values()));
        }
        Map<String, Map<String, String>> rows = new TreeMap<>(LowestKeyWins.KEY_ORDER);
        // In key order: a row keeps a value unless a lower row kept it; a NOT NULL value lost deletes the row.
        for (Map.Entry<String, Map<String, String>> row : last.entrySet()) {
            Map<String, String> values = new TreeMap<>(row.getValue());
            boolean deleted = false;
            for (UniqueKey key : keys) {
                String column = key.columns().get(0);
                String value = row.getValue().get(column);
                boolean taken = value != null && rows.values().stream().anyMatch(kept -> value.equals(kept.get(column)));
                if (taken) {
                    deleted |= key.nullable().isEmpty();
                    values.put(column, null);
                }
            }
            if (!deleted) {
                rows.put(row.getKey(), values);
            }
        }
        return rows;
    }

    /** A site: versions applied one by one as the applier does, skipping what it holds already. */
    private static Map<String, Map<String, String>> apply(List<Version> arrivals, List<UniqueKey> keys) {
        Map<String, Map<String, String>> live = new TreeMap<>(LowestKeyWins.KEY_ORDER);
        Map<String, Integer> held = new HashMap<>();
        for (Version v : arrivals) {
            if (held.getOrDefault(v.key(), 0) >= v.version()) {
                continue;
            }
            held.put(v.key(), v.version());
            List<LowestKeyWins.Collision> collisions = new ArrayList<>();
            for (UniqueKey key : keys) {
                String column = key.columns().get(0);
                String value = v.values().get(column);
                for (Map.Entry<String, Map<String, String>> other : live.entrySet()) {
                    if (value != null && !other.getKey().equals(v.key()) && value.equals(other.getValue().get(column))) {
                        collisions.add(new LowestKeyWins.Collision(key, other.getKey()));
                    }
                }
            }
            LowestKeyWins.Decision d = LowestKeyWins.decide(v.key(), collisions);
            d.localDeleted().forEach(live::remove);
            d.localNulled().forEach((key, columns) -> columns.forEach(column -> live.get(key).put(column, null)));
            if (d.deleteIncoming()) {
                live.remove(v.key());
            } else {
                Map<String, String> values = new TreeMap<>(v.values());
                d.incomingNulled().forEach(column -> values.put(column, null));
                live.put(v.key(), values);
            }
            assertUnique(live, keys);
        }
        return live;
    }

    private static void assertUnique(Map<String, Map<String, String>> live, List<UniqueKey> keys) {
        for (UniqueKey key : keys) {
            String column = key.columns().get(0);
            Map<String, String> holder = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, String>> row : live.entrySet()) {
                String value = row.getValue().get(column);
                if (value != null) {
                    assertThat(holder.put(value, row.getKey())).as("two rows hold %s = %s", column, value).isNull();
                }
            }
        }
    }

    private static void permutations(List<Version> versions, List<Version> prefix, boolean[] used,
            List<List<Version>> out) {
        if (prefix.size() == versions.size()) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < versions.size(); i++) {
            Version v = versions.get(i);
            // A row's versions arrive in their origin's order.
            boolean earlierPending = v.version() == 2 && prefix.stream().noneMatch(p -> p.key().equals(v.key())
                    && p.version() == 1);
            if (!used[i] && !earlierPending) {
                used[i] = true;
                prefix.add(v);
                permutations(versions, prefix, used, out);
                prefix.remove(prefix.size() - 1);
                used[i] = false;
            }
        }
    }
}
