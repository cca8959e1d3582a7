package io.syncline.bench;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** The Avro change envelope of one ~200-byte row (the bench's row shape): encode at the source, decode at the sink. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeBench {

    private final ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
    private ChangeEvent event;
    private byte[] bytes;

    @Setup
    public void setUp() {
        event = sampleEvent(123_456);
        bytes = codec.encode(event);
    }

    /** A row of the bench's table: id, four integers, a numeric, a timestamp (as text) and a short text. */
    static ChangeEvent sampleEvent(long id) {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        columns.put("id", ColumnValue.of(id));
        columns.put("qty", ColumnValue.of(id % 1000));
        columns.put("bucket", ColumnValue.of(id % 17));
        columns.put("flags", ColumnValue.of(id % 7));
        columns.put("version", ColumnValue.of(id * 3));
        columns.put("amount", ColumnValue.of(new BigDecimal("1234.56")));
        columns.put("written_at", ColumnValue.of("2026-11-26T10:00:00.123456Z"));
        columns.put("note", ColumnValue.of(("row " + id + ".".repeat(96)).substring(0, 96)));
        SiteId a = SiteId.of("a");
        return new ChangeEvent("public.bench_syncline", Long.toString(id), ChangeEvent.Op.UPSERT, List.of("id"),
                columns, VersionVector.empty().with(a, id), new Dot(a, id), (System.currentTimeMillis() << 16),
                System.currentTimeMillis() * 1000, "lsn:123456789");
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(event);
    }

    @Benchmark
    public ChangeEvent decode() {
        return codec.decode(bytes);
    }
}
