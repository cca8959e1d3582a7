package io.syncline.core;

import static io.syncline.core.VersionVector.Ordering.AFTER;
import static io.syncline.core.VersionVector.Ordering.BEFORE;
import static io.syncline.core.VersionVector.Ordering.CONCURRENT;
import static io.syncline.core.VersionVector.Ordering.EQUAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionVectorTest {

    private static final SiteId A = SiteId.of("a");
    private static final SiteId B = SiteId.of("b");
    private static final SiteId C = SiteId.of("c");
    private static final SiteId D = SiteId.of("d");

    private static VersionVector vv(String text) {
        return VersionVector.parse(text);
    }

    @Nested
    class Basics {

        @Test
        void emptyHasNoEntries() {
            VersionVector empty = VersionVector.empty();
            assertThat(empty.isEmpty()).isTrue();
            assertThat(empty.get(A)).isZero();
            assertThat(empty.encode()).isEmpty();
            assertThat(empty).hasToString("{}");
            assertThat(empty.entries()).isEmpty();
        }

        @Test
        void incrementCountsUpFromZero() {
            VersionVector v = VersionVector.empty().increment(B).increment(A).increment(B);
            assertThat(v.get(A)).isEqualTo(1);
            assertThat(v.get(B)).isEqualTo(2);
            assertThat(v.encode()).isEqualTo("a:1,b:2");
            assertThat(v).hasToString("{a:1,b:2}");
        }

        @Test
        void incrementRefusesToOverflow() {
            VersionVector v = VersionVector.empty().with(A, Long.MAX_VALUE);
            assertThatThrownBy(() -> v.increment(A))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("site 'a'");
        }

        @Test
        void withSetsAndZeroRemoves() {
            VersionVector v = vv("a:3,b:5").with(B, 0).with(C, 9);
            assertThat(v.encode()).isEqualTo("a:3,c:9");
            assertThat(v.entries()).doesNotContainKey(B);
            assertThat(vv("a:3").with(A, 0)).isEqualTo(VersionVector.empty());
        }

        @Test
        void withRejectsNegativeCounters() {
            assertThatThrownBy(() -> VersionVector.empty().with(A, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("version vector counter for site 'a' was -1, must be 0 or more");
        }

        @Test
        void ofDropsZerosAndSortsEntries() {
            Map<SiteId, Long> input = new LinkedHashMap<>();
            input.put(C, 2L);
            input.put(A, 0L);
            input.put(B, 7L);
            VersionVector v = VersionVector.of(input);
            assertThat(v.entries()).containsExactly(Map.entry(B, 7L), Map.entry(C, 2L));
            assertThat(v.encode()).isEqualTo("b:7,c:2");
        }

        @Test
        void ofRejectsNegativesAndNulls() {
            assertThatThrownBy(() -> VersionVector.of(Map.of(A, -3L)))
                    .hasMessage("version vector counter for site 'a' was -3, must be 0 or more");
            Map<SiteId, Long> nullCounter = new HashMap<>();
            nullCounter.put(A, null);
            assertThatThrownBy(() -> VersionVector.of(nullCounter)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> VersionVector.of(null)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void entriesAreUnmodifiableAndSorted() {
            VersionVector v = vv("a:1,b:2,c:3");
            assertThat(v.entries().keySet()).containsExactly(A, B, C);
            assertThatThrownBy(() -> v.entries().put(D, 1L)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void joinIsPointwiseMax() {
            assertThat(vv("a:3,b:1").join(vv("b:4,c:2"))).isEqualTo(vv("a:3,b:4,c:2"));
            assertThat(vv("a:1").join(VersionVector.empty())).isEqualTo(vv("a:1"));
            assertThat(VersionVector.empty().join(vv("a:1"))).isEqualTo(vv("a:1"));
        }

        @Test
        void compareCoversAllFourOutcomes() {
            assertThat(vv("a:1").compare(vv("a:1,b:1"))).isEqualTo(BEFORE);
            assertThat(vv("a:2,b:1").compare(vv("a:1,b:1"))).isEqualTo(AFTER);
            assertThat(vv("a:2,b:1").compare(VersionVector.empty().with(B, 1).with(A, 2))).isEqualTo(EQUAL);
            assertThat(vv("a:2").compare(vv("b:1"))).isEqualTo(CONCURRENT);
            assertThat(vv("a:2,b:1").compare(vv("a:1,b:2"))).isEqualTo(CONCURRENT);
            assertThat(VersionVector.empty().compare(VersionVector.empty())).isEqualTo(EQUAL);
            assertThat(VersionVector.empty().compare(vv("c:1"))).isEqualTo(BEFORE);
            assertThat(vv("c:1").compare(VersionVector.empty())).isEqualTo(AFTER);
        }

        @Test
        void dominatedByIsPointwiseLessOrEqual() {
            assertThat(vv("a:1").dominatedBy(vv("a:1"))).isTrue();
            assertThat(vv("a:1").dominatedBy(vv("a:2,b:1"))).isTrue();
            assertThat(vv("a:1,c:1").dominatedBy(vv("a:2,b:1"))).isFalse();
            assertThat(VersionVector.empty().dominatedBy(vv("a:1"))).isTrue();
        }

        @Test
        void equalityIsByContent() {
            VersionVector built = VersionVector.empty().with(B, 5).with(A, 3);
            assertThat(built).isEqualTo(vv("a:3,b:5")).hasSameHashCodeAs(vv("a:3,b:5"));
            assertThat(built).isNotEqualTo(vv("a:3,b:6"));
        }
    }

    @Nested
    class TextForm {

        @Test
        void encodesSortedByPlainStringOrder() {
            VersionVector v = VersionVector.empty()
                    .with(SiteId.of("a_1"), 3)
                    .with(SiteId.of("a1"), 2)
                    .with(SiteId.of("a-1"), 1)
                    .with(SiteId.of("b"), Long.MAX_VALUE);
            // '-' (0x2D) < '1' (0x31) < '_' (0x5F): the order of PostgreSQL's COLLATE "C".
            assertThat(v.encode()).isEqualTo("a-1:1,a1:2,a_1:3,b:9223372036854775807");
            assertThat(VersionVector.parse(v.encode())).isEqualTo(v);
        }

        @Test
        void parsesEmptyAndNullAsEmpty() {
            assertThat(VersionVector.parse("")).isEqualTo(VersionVector.empty());
            assertThat(VersionVector.parse(null)).isEqualTo(VersionVector.empty());
        }

        @ParameterizedTest
        @ValueSource(strings = {",", "a", "a:", ":1", "a:0", "a:-1", "a:+1", "a:01", "a:1,", ",a:1", "a:1,,b:2",
            "a:1;b:2", "b:1,a:2", "a:1,a:2", "A:1", "a:1 ", " a:1", "a:1, b:2", "a:x", "a:1:2",
            "a:9223372036854775808"})
        void rejectsAnythingButTheExactFormat(String text) {
            assertThatThrownBy(() -> VersionVector.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("version vector '" + text + "' is invalid: ");
        }
    }

    @Nested
    class Properties {

        private static final List<SiteId> SITES = List.of(A, B, C, D);
        private static final int SAMPLES = 2000;

        private static long seed;

        @BeforeAll
        static void chooseSeed() {
            seed = Long.getLong("syncline.seed", System.nanoTime());
            System.out.println("VersionVectorTest seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        }

        /** Small counters over few sites, so that equal, ordered and concurrent pairs all occur often. */
        private VersionVector random(Random random) {
            VersionVector v = VersionVector.empty();
            for (SiteId site : SITES) {
                if (random.nextInt(3) > 0) {
                    v = v.with(site, random.nextInt(4));
                }
            }
            return v;
        }

        @Test
        void joinIsCommutativeAssociativeAndIdempotent() {
            Random random = new Random(seed);
            for (int i = 0; i < SAMPLES; i++) {
                VersionVector a = random(random);
                VersionVector b = random(random);
                VersionVector c = random(random);
                String where = "seed " + seed + ", sample " + i + ": " + a + " " + b + " " + c;
                assertThat(a.join(b)).as(where).isEqualTo(b.join(a));
                assertThat(a.join(b).join(c)).as(where).isEqualTo(a.join(b.join(c)));
                assertThat(a.join(a)).as(where).isEqualTo(a);
                assertThat(a.dominatedBy(a.join(b))).as(where).isTrue();
                assertThat(b.dominatedBy(a.join(b))).as(where).isTrue();
            }
        }

        @Test
        void compareAgreesWithJoin() {
            Random random = new Random(seed);
            for (int i = 0; i < SAMPLES; i++) {
                VersionVector a = random(random);
                VersionVector b = random(random);
                String where = "seed " + seed + ", sample " + i + ": " + a + " vs " + b;
                VersionVector joined = a.join(b);
                VersionVector.Ordering ordering = a.compare(b);
                assertThat(ordering == BEFORE).as(where).isEqualTo(joined.equals(b) && !a.equals(b));
                assertThat(ordering == AFTER).as(where).isEqualTo(joined.equals(a) && !a.equals(b));
                assertThat(ordering == EQUAL).as(where).isEqualTo(a.equals(b));
                assertThat(ordering == CONCURRENT).as(where).isEqualTo(!joined.equals(a) && !joined.equals(b));
                assertThat(a.dominatedBy(b)).as(where).isEqualTo(ordering == BEFORE || ordering == EQUAL);
            }
        }

        @Test
        void compareIsAntisymmetric() {
            Random random = new Random(seed);
            for (int i = 0; i < SAMPLES; i++) {
                VersionVector a = random(random);
                VersionVector b = random(random);
                String where = "seed " + seed + ", sample " + i + ": " + a + " vs " + b;
                VersionVector.Ordering forward = a.compare(b);
                VersionVector.Ordering backward = b.compare(a);
                assertThat(forward == BEFORE).as(where).isEqualTo(backward == AFTER);
                assertThat(forward == AFTER).as(where).isEqualTo(backward == BEFORE);
                assertThat(forward == EQUAL).as(where).isEqualTo(backward == EQUAL);
                assertThat(forward == CONCURRENT).as(where).isEqualTo(backward == CONCURRENT);
            }
        }

        @Test
        void encodeParseRoundTrips() {
            Random random = new Random(seed);
            for (int i = 0; i < SAMPLES; i++) {
                VersionVector a = random(random);
                if (random.nextBoolean()) {
                    a = a.with(SITES.get(random.nextInt(SITES.size())), random.nextLong() & Long.MAX_VALUE);
                }
                String where = "seed " + seed + ", sample " + i + ": " + a;
                VersionVector parsed = VersionVector.parse(a.encode());
                assertThat(parsed).as(where).isEqualTo(a);
                assertThat(parsed.encode()).as(where).isEqualTo(a.encode());
                assertThat(parsed.hashCode()).as(where).isEqualTo(a.hashCode());
            }
        }

        @Test
        void incrementIsStrictlyAfter() {
            Random random = new Random(seed);
            for (int i = 0; i < SAMPLES; i++) {
                VersionVector a = random(random);
                SiteId site = SITES.get(random.nextInt(SITES.size()));
                VersionVector next = a.increment(site);
                String where = "seed " + seed + ", sample " + i + ": " + a + " + " + site;
                assertThat(next.compare(a)).as(where).isEqualTo(AFTER);
                assertThat(a.compare(next)).as(where).isEqualTo(BEFORE);
                assertThat(next.get(site)).as(where).isEqualTo(a.get(site) + 1);
            }
        }
    }
}
