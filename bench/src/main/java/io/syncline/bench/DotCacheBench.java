package io.syncline.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sink's look-up of recently applied dots (a Caffeine cache keyed by the dot's text, as in
 * SynclineSinkTask) before any database round trip: a hit (a redelivered change), a miss and the
 * put after an apply.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DotCacheBench {

    private static final int SIZE = 100_000;

    private final SiteId origin = SiteId.of("a");
    private Cache<String, Boolean> recentDots;
    private long next;

    @Setup
    public void setUp() {
        recentDots = Caffeine.newBuilder().maximumSize(SIZE).build();
        for (long seq = 1; seq <= SIZE; seq++) {
            recentDots.put(new Dot(origin, seq).key(), Boolean.TRUE);
        }
        next = SIZE;
    }

    @Benchmark
    public Boolean hit() {
        return recentDots.getIfPresent(new Dot(origin, 1 + (next++ % SIZE)).key());
    }

    @Benchmark
    public Boolean missThenPut() {
        String dot = new Dot(origin, next++ + SIZE).key();
        Boolean known = recentDots.getIfPresent(dot);
        recentDots.put(dot, Boolean.TRUE);
        return known;
    }
}
