package io.syncline.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.HybridClock;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.RowVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LastWriterWinsTest {

    private static final SiteId EAST = SiteId.of("east");
    private static final SiteId WEST = SiteId.of("west");
    private static final List<SiteId> SITES = List.of(SiteId.of("a"), EAST, SiteId.of("north"), WEST, SiteId.of("west-2"));

    private static long seed;

    private final LastWriterWins lww = new LastWriterWins();

    /** One write of the row: who made it, when, and its sequence at its origin. */
    private record Version(SiteId origin, long hlc, long sequence, boolean deleted) {

        ChangeEvent asIncoming() {
            return new ChangeEvent("public.orders", "42", deleted ? ChangeEvent.Op.DELETE : ChangeEvent.Op.UPSERT,
                    List.of("id"), Map.of("id", ColumnValue.of(42L)), VersionVector.empty().with(origin, sequence),
                    new Dot(origin, sequence), hlc, 0L, "");
        }

        RowVersion asLocal() {
            return new RowVersion(VersionVector.empty().with(origin, sequence), hlc, origin, sequence, deleted);
        }
    }

    @BeforeAll
    static void chooseSeed() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("LastWriterWinsTest seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
    }

    @Test
    void laterHlcWins() {
        Version early = new Version(WEST, HybridClock.pack(1_000, 0), 1, false);
        Version late = new Version(EAST, HybridClock.pack(1_000, 1), 1, false);
        assertThat(lww.incomingWins(late.asIncoming(), early.asLocal())).isTrue();
        assertThat(lww.incomingWins(early.asIncoming(), late.asLocal())).isFalse();
    }

    @Test
    void equalHlcIsBrokenByTheLargerSiteId() {
        long hlc = HybridClock.pack(5_000, 3);
        Version east = new Version(EAST, hlc, 9, false);
        Version west = new Version(WEST, hlc, 1, false);
        assertThat(lww.incomingWins(west.asIncoming(), east.asLocal())).isTrue();
        assertThat(lww.incomingWins(east.asIncoming(), west.asLocal())).isFalse();
    }

    @Test
    void deletionIsJustAnotherVersion() {
        Version delete = new Version(EAST, 200, 1, true);
        Version update = new Version(WEST, 100, 1, false);
        assertThat(lww.incomingWins(delete.asIncoming(), update.asLocal())).isTrue();
        assertThat(lww.incomingWins(update.asIncoming(), delete.asLocal())).isFalse();
    }

    @Test
    void incomingWinsWhenThereIsNoLocalVersion() {
        Version v = new Version(EAST, 0, 1, false);
        assertThat(lww.incomingWins(v.asIncoming(), RowVersion.NONE)).isTrue();
        Version huge = new Version(WEST, Long.MAX_VALUE, Long.MAX_VALUE, true);
        assertThat(lww.incomingWins(huge.asIncoming(), RowVersion.NONE)).isTrue();
    }

    @Test
    void theSameVersionDoesNotReplaceItself() {
        Version v = new Version(EAST, 77, 3, false);
        assertThat(lww.incomingWins(v.asIncoming(), v.asLocal())).isFalse();
    }

    @Test
    void exactlyOneOfTwoDifferentVersionsWinsWhicheverArrivesFirst() {
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            Version x = randomVersion(random);
            Version y = randomVersion(random);
            String where = "seed " + seed + ", sample " + i + ": " + x + " vs " + y;
            boolean xOverY = lww.incomingWins(x.asIncoming(), y.asLocal());
            boolean yOverX = lww.incomingWins(y.asIncoming(), x.asLocal());
            if (x.hlc() != y.hlc() || !x.origin().equals(y.origin())) {
                assertThat(xOverY ^ yOverX).as(where + ": exactly one must win").isTrue();
                boolean xIsLater = x.hlc() != y.hlc() ? x.hlc() > y.hlc() : x.origin().compareTo(y.origin()) > 0;
                assertThat(xOverY).as(where).isEqualTo(xIsLater);
            } else {
                // Same origin and clock: the origin's own sequence orders them; equal means the same write.
                assertThat(xOverY).as(where).isEqualTo(x.sequence() > y.sequence());
                assertThat(yOverX).as(where).isEqualTo(y.sequence() > x.sequence());
            }
        }
    }

    @Test
    void sitesSeeingTheSameVersionsInAnyOrderKeepTheSameWinner() {
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            List<Version> versions = new ArrayList<>();
            int n = 2 + random.nextInt(5);
            for (int v = 0; v < n; v++) {
                versions.add(randomVersion(random));
            }
            Version first = survivor(versions);
            for (int shuffle = 0; shuffle < 5; shuffle++) {
                List<Version> order = new ArrayList<>(versions);
                Collections.shuffle(order, random);
                Version kept = survivor(order);
                assertThat(kept.hlc()).as("seed " + seed + ", sample " + i + ": " + order).isEqualTo(first.hlc());
                assertThat(kept.origin()).as("seed " + seed + ", sample " + i + ": " + order).isEqualTo(first.origin());
                assertThat(kept.sequence()).as("seed " + seed + ", sample " + i + ": " + order)
                        .isEqualTo(first.sequence());
            }
        }
    }

    /** What a site ends with after applying the versions in this order, starting with no row. */
    private Version survivor(List<Version> arrivals) {
        Version local = null;
        for (Version incoming : arrivals) {
            RowVersion current = local == null ? RowVersion.NONE : local.asLocal();
            if (lww.incomingWins(incoming.asIncoming(), current)) {
                local = incoming;
            }
        }
        return local;
    }

    private static Version randomVersion(Random random) {
        // Few distinct values, so that ties on hlc and site are frequent.
        SiteId origin = SITES.get(random.nextInt(SITES.size()));
        long hlc = random.nextInt(10) == 0 ? random.nextLong() >>> 1 : HybridClock.pack(1_000 + random.nextInt(3),
                random.nextInt(3));
        long sequence = 1 + random.nextInt(3);
        return new Version(origin, hlc, sequence, random.nextBoolean());
    }
}
