package io.syncline.bench;

import io.syncline.conflict.ResolverRegistry;
import io.syncline.core.ColumnValue;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Resolution;
import io.syncline.core.apply.RowState;
import java.util.List;
import java.util.Map;
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

/** Conflict resolution of two concurrent updates of one row, through the registry the sink uses. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolverBench {

    @Param({"last-writer-wins", "site-priority", "delete-wins"})
    public String resolver;

    private ResolverRegistry registry;
    private RowState local;
    private RowState incoming;
    private ConflictType type;

    @Setup
    public void setUp() {
        Map<String, String> settings = resolver.equals("site-priority")
                ? Map.of("conflict.resolver.public.t", resolver, "conflict.resolver.public.t.sites", "a,b")
                : Map.of("conflict.resolver.public.t", resolver);
        registry = ResolverRegistry.from(settings, List.of("public.t"));
        SiteId a = SiteId.of("a");
        SiteId b = SiteId.of("b");
        local = new RowState(false, Map.of("id", ColumnValue.of(1L), "qty", ColumnValue.of(5L)),
                VersionVector.empty().with(a, 10).with(b, 3), 1_000L << 16, a, 10, Map.of(), Map.of());
        incoming = new RowState(false, Map.of("id", ColumnValue.of(1L), "qty", ColumnValue.of(7L)),
                VersionVector.empty().with(a, 9).with(b, 4), (1_000L << 16) + 1, b, 4, Map.of(), Map.of());
        type = ConflictType.of(local, incoming);
    }

    @Benchmark
    public Resolution resolve() {
        return registry.resolve("public.t", type, local, incoming);
    }
}
