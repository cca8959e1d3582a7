package io.syncline.bench;

import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The vector work of every apply: compare (dominatedBy), join on a conflict, parse and encode for meta. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VersionVectorBench {

    /** Sites in the mesh, i.e. entries per vector. */
    @Param({"2", "5"})
    public int sites;

    private VersionVector local;
    private VersionVector incoming;
    private String encoded;

    @Setup
    public void setUp() {
        VersionVector a = VersionVector.empty();
        VersionVector b = VersionVector.empty();
        for (int i = 0; i < sites; i++) {
            SiteId site = SiteId.of("site" + i);
            a = a.with(site, 1_000_000L + i);
            b = b.with(site, 1_000_000L + i + (i == 0 ? 1 : 0));
        }
        local = a;
        incoming = b;
        encoded = b.encode();
    }

    @Benchmark
    public boolean dominatedBy() {
        return incoming.dominatedBy(local);
    }

    @Benchmark
    public VersionVector.Ordering compare() {
        return incoming.compare(local);
    }

    @Benchmark
    public VersionVector join() {
        return local.join(incoming);
    }

    @Benchmark
    public VersionVector parse() {
        return VersionVector.parse(encoded);
    }

    @Benchmark
    public String encode() {
        return incoming.encode();
    }
}
