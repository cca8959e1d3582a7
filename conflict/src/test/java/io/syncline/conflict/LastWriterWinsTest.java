package io.syncline.conflict;

import static io.syncline.conflict.VersionBuilder.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.HybridClock;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Resolution;
import io.syncline.core.apply.Resolution.Winner;
import io.syncline.core.apply.RowState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LastWriterWinsTest {

    private static final List<String> SITES = List.of("a", "east", "north", "west", "west-2");
    private static final String TABLE = "public.orders";

    private static long seed;

    private final ResolverRegistry lww = ResolverRegistry.from(Map.of(), List.of(TABLE));

    @BeforeAll
    static void chooseSeed() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("LastWriterWinsTest seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
    }

    @Test
    void laterHlcWins() {
        RowState early = version("west", HybridClock.pack(1_000, 0)).col("id", 42).build();
        RowState late = version("east", HybridClock.pack(1_000, 1)).col("id", 42).build();
        assertThat(resolve(early, late).winner()).isEqualTo(Winner.INCOMING);
        assertThat(resolve(late, early).winner()).isEqualTo(Winner.LOCAL);
        assertThat(resolve(early, late).result().origin()).isEqualTo(SiteId.of("east"));
    }

    @Test
    void equalHlcIsBrokenByTheLargerSiteId() {
        long hlc = HybridClock.pack(5_000, 3);
        RowState east = version("east", hlc).seq(9).build();
        RowState west = version("west", hlc).seq(1).build();
        assertThat(resolve(east, west).winner()).isEqualTo(Winner.INCOMING);
        assertThat(resolve(west, east).winner()).isEqualTo(Winner.LOCAL);
    }

    @Test
    void deletionIsJustAnotherVersion() {
        RowState delete = version("east", 200).deleted().build();
        RowState update = version("west", 100).col("id", 42).build();
        assertThat(resolve(update, delete).result().deleted()).isTrue();
        assertThat(resolve(delete, update).result().deleted()).isTrue();
        RowState laterUpdate = version("west", 300).col("id", 42).build();
        assertThat(resolve(delete, laterUpdate).result().deleted()).isFalse();
    }

    @Test
    void theResultCarriesTheJoinedVectorAndTheRule() {
        RowState local = version("east", 10).vv("east:3,west:1").seq(3).build();
        RowState incoming = version("west", 20).vv("east:2,west:2").seq(2).build();
        Resolution resolution = resolve(local, incoming);
        assertThat(resolution.result().vv()).isEqualTo(VersionVector.parse("east:3,west:2"));
        assertThat(resolution.result().sequence()).isEqualTo(2);
        assertThat(resolution.rule()).isEqualTo("last-writer-wins");
    }

    @Test
    void theSameVersionDoesNotReplaceItself() {
        RowState v = version("east", 77).seq(3).col("id", 1).build();
        Resolution resolution = resolve(v, v);
        assertThat(resolution.winner()).isEqualTo(Winner.LOCAL);
        assertThat(resolution.result()).isEqualTo(v);
    }

    @Test
    void exactlyOneOfTwoDifferentVersionsWinsWhicheverArrivesFirst() {
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            RowState x = randomVersion(random);
            RowState y = randomVersion(random);
            String where = "seed " + seed + ", sample " + i + ": " + x + " vs " + y;
            RowState xFirst = resolve(x, y).result();
            RowState yFirst = resolve(y, x).result();
            assertThat(xFirst).as(where).isEqualTo(yFirst);
            if (x.hlc() != y.hlc() || !x.origin().equals(y.origin()) || x.sequence() != y.sequence()) {
                boolean xIsLater = x.hlc() != y.hlc() ? x.hlc() > y.hlc()
                        : !x.origin().equals(y.origin()) ? x.origin().compareTo(y.origin()) > 0
                        : x.sequence() > y.sequence();
                assertThat(xFirst).as(where).isEqualTo((xIsLater ? x : y).withVv(x.vv().join(y.vv())));
            } else {
                // The same dot with different data never happens in a mesh; the data breaks the tie.
                assertThat(xFirst.sameWrite(x) || xFirst.sameWrite(y)).as(where).isTrue();
            }
        }
    }

    @Test
    void sitesSeeingTheSameVersionsInAnyOrderKeepTheSameWinner() {
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            List<RowState> versions = new ArrayList<>();
            int n = 2 + random.nextInt(5);
            for (int v = 0; v < n; v++) {
                versions.add(randomVersion(random));
            }
            RowState first = survivor(versions);
            for (int shuffle = 0; shuffle < 5; shuffle++) {
                List<RowState> order = new ArrayList<>(versions);
                Collections.shuffle(order, random);
                assertThat(survivor(order)).as("seed " + seed + ", sample " + i + ": " + order).isEqualTo(first);
            }
        }
    }

    private Resolution resolve(RowState local, RowState incoming) {
        return lww.resolve(TABLE, ConflictType.of(local, incoming), local, incoming);
    }

    /** What a site ends with after the versions arrive in this order. */
    private RowState survivor(List<RowState> arrivals) {
        RowState local = arrivals.get(0);
        for (RowState incoming : arrivals.subList(1, arrivals.size())) {
            local = resolve(local, incoming).result();
        }
        return local;
    }

    private static RowState randomVersion(Random random) {
        // Few distinct values, so that ties on hlc and site are frequent.
        String origin = SITES.get(random.nextInt(SITES.size()));
        long hlc = random.nextInt(10) == 0 ? random.nextLong() >>> 1
                : HybridClock.pack(1_000 + random.nextInt(3), random.nextInt(3));
        VersionBuilder v = version(origin, hlc).seq(1 + random.nextInt(3));
        return random.nextBoolean() ? v.deleted().build() : v.col("id", 42).col("n", random.nextInt(2)).build();
    }
}
