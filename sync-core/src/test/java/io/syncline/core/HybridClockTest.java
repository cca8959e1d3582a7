package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {

    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final HybridClock clock = new HybridClock(wall::get);

    @Test
    void followsTheWallClockWhenItMovesForward() {
        long t1 = clock.now();
        assertThat(t1).isEqualTo(HybridClock.pack(1_700_000_000_000L, 0));
        wall.addAndGet(5);
        assertThat(clock.now()).isEqualTo(HybridClock.pack(1_700_000_000_005L, 0));
    }

    @Test
    void countsLogicallyWithinOneMillisecond() {
        long t1 = clock.now();
        long t2 = clock.now();
        assertThat(t2).isEqualTo(t1 + 1);
        assertThat(HybridClock.physicalMillis(t2)).isEqualTo(1_700_000_000_000L);
        assertThat(HybridClock.logical(t2)).isEqualTo(1);
    }

    @Test
    void staysStrictlyIncreasingWhenTheWallClockGoesBackwards() {
        long previous = clock.now();
        long[] steps = {-1000, 0, 3, -50_000, 1, -1, 200_000, -200_000};
        for (long step : steps) {
            wall.addAndGet(step);
            for (int i = 0; i < 10; i++) {
                long next = clock.now();
                assertThat(next).as("after wall step %d", step).isGreaterThan(previous);
                assertThat(next).isGreaterThanOrEqualTo(wall.get() << 16);
                previous = next;
            }
        }
    }

    @Test
    void logicalOverflowCarriesIntoMillis() {
        long first = clock.now();
        long last = first;
        for (int i = 0; i < HybridClock.MAX_LOGICAL + 5; i++) {
            long next = clock.now();
            assertThat(next).isGreaterThan(last);
            last = next;
        }
        assertThat(HybridClock.physicalMillis(last)).isEqualTo(1_700_000_000_001L);
        assertThat(HybridClock.logical(last)).isEqualTo(4);
    }

    @Test
    void observeMovesPastARemoteTimestampAhead() {
        long local = clock.now();
        long remote = HybridClock.pack(1_700_000_009_000L, 7);
        long seen = clock.observe(remote);
        assertThat(seen).isGreaterThan(remote).isGreaterThan(local).isEqualTo(remote + 1);
        assertThat(clock.now()).isGreaterThan(seen);
    }

    @Test
    void observeOfAnOldRemoteTimestampStillAdvances() {
        long local = clock.now();
        long seen = clock.observe(HybridClock.pack(1_600_000_000_000L, 0));
        assertThat(seen).isGreaterThan(local);
        wall.addAndGet(10);
        assertThat(clock.observe(0)).isEqualTo(HybridClock.pack(1_700_000_000_010L, 0));
    }

    @Test
    void observeRejectsImpossibleRemoteTimestamps() {
        assertThatThrownBy(() -> clock.observe(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("remote hlc was -1, must be 0 or more");
        assertThatThrownBy(() -> clock.observe(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("end of the clock's range");
    }

    @Test
    void rejectsAWallClockOutOfRange() {
        wall.set(-1);
        assertThatThrownBy(clock::now)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("wall clock read -1 ms since the epoch");
    }

    @Test
    void packingRoundTrips() {
        long[] millis = {0, 1, 1_700_000_000_000L, HybridClock.MILLIS_LIMIT - 1};
        int[] logicals = {0, 1, 12345, HybridClock.MAX_LOGICAL};
        for (long m : millis) {
            for (int l : logicals) {
                long hlc = HybridClock.pack(m, l);
                assertThat(hlc).isNotNegative();
                assertThat(HybridClock.physicalMillis(hlc)).isEqualTo(m);
                assertThat(HybridClock.logical(hlc)).isEqualTo(l);
            }
        }
        assertThat(HybridClock.pack(1_700_000_000_000L, 3)).isEqualTo((1_700_000_000_000L << 16) + 3);
    }

    @Test
    void packOrdersLikeItsParts() {
        assertThat(HybridClock.pack(10, HybridClock.MAX_LOGICAL)).isLessThan(HybridClock.pack(11, 0));
        assertThat(HybridClock.pack(10, 1)).isLessThan(HybridClock.pack(10, 2));
    }

    @Test
    void packRejectsOutOfRangeParts() {
        assertThatThrownBy(() -> HybridClock.pack(-1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("hlc millis was -1");
        assertThatThrownBy(() -> HybridClock.pack(HybridClock.MILLIS_LIMIT, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HybridClock.pack(0, 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hlc logical was 65536, must be between 0 and 65535");
        assertThatThrownBy(() -> HybridClock.pack(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsANullWallClock() {
        assertThatThrownBy(() -> new HybridClock(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void systemClockIsNearTheWallClock() {
        long before = System.currentTimeMillis();
        long hlc = HybridClock.system().now();
        assertThat(HybridClock.physicalMillis(hlc)).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void concurrentCallersNeverSeeTheSameTimestamp() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        seen.add(id % 2 == 0 ? clock.now() : clock.observe(i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(threads * perThread);
    }
}
