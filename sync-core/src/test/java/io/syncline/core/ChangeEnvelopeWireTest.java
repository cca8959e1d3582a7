package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.apply.ColumnStamp;
import io.syncline.core.apply.MetaJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * The codec writes and reads the envelope field by field; Avro's generic writer and reader over
 * the published schema are the oracle: the bytes must be identical, and what either side wrote
 * the other must read back.
 */
class ChangeEnvelopeWireTest {

    private static final Schema SCHEMA = ChangeEnvelopeCodec.schema();
    private static final Schema COLUMN = SCHEMA.getField("columns").schema().getElementType();
    private static final Schema ENTRY = SCHEMA.getField("vv").schema().getElementType();
    private static final Schema VALUE = COLUMN.getField("value").schema();

    private final ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();

    @Test
    void bytesAreThoseOfAvrosGenericWriterForSeededRandomEvents() throws IOException {
        long seed = System.nanoTime();
        System.out.println("ChangeEnvelopeWireTest seed " + seed);
        Random random = new Random(seed);
        BinaryMessageEncoder<GenericRecord> generic = new BinaryMessageEncoder<>(new GenericData(), SCHEMA);
        BinaryMessageDecoder<GenericRecord> genericReader = new BinaryMessageDecoder<>(new GenericData(), SCHEMA);
        for (int i = 0; i < 2_000; i++) {
            ChangeEvent event = randomEvent(random);
            SourceTransaction transaction = random.nextInt(3) == 0 ? null : randomTransaction(random);
            byte[] ours = codec.encode(event, transaction);
            ByteBuffer theirs = generic.encode(envelope(event, transaction));
            byte[] oracle = new byte[theirs.remaining()];
            theirs.get(oracle);
            assertThat(ours).as("seed %d, event %d: %s", seed, i, event).isEqualTo(oracle);
            ChangeEnvelopeCodec.Envelope read = codec.decodeEnvelope(oracle);
            assertThat(read.event()).as("seed %d, event %d", seed, i).isEqualTo(event);
            assertThat(read.transaction()).as("seed %d, event %d", seed, i).isEqualTo(Optional.ofNullable(transaction));
            assertThat(genericReader.decode(ours).get("table").toString()).isEqualTo(event.table());
        }
    }

    @Test
    void readsVersionOneEnvelopesWrittenBeforeTheUpgradeWithoutATransaction() throws IOException {
        long seed = System.nanoTime();
        System.out.println("ChangeEnvelopeWireTest v1 seed " + seed);
        Random random = new Random(seed);
        Schema v1;
        try (var in = ChangeEnvelopeCodec.class.getResourceAsStream(ChangeEnvelopeCodec.SCHEMA_V1_RESOURCE)) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("transaction")).isNull();
        BinaryMessageEncoder<GenericRecord> old = new BinaryMessageEncoder<>(new GenericData(), v1);
        for (int i = 0; i < 200; i++) {
            ChangeEvent event = randomEvent(random);
            GenericData.Record record = new GenericData.Record(v1);
            GenericRecord current = envelope(event, null);
            for (Schema.Field field : v1.getFields()) {
                record.put(field.name(), current.get(field.name()));
            }
            record.put("version", ChangeEnvelopeCodec.FORMAT_VERSION_1);
            ByteBuffer bytes = old.encode(record);
            byte[] written = new byte[bytes.remaining()];
            bytes.get(written);
            ChangeEnvelopeCodec.Envelope read = codec.decodeEnvelope(written);
            assertThat(read.event()).as("seed %d, event %d", seed, i).isEqualTo(event);
            assertThat(read.transaction()).isEmpty();
        }
    }

    private static SourceTransaction randomTransaction(Random random) {
        Map<Integer, Long> dependencies = new LinkedHashMap<>();
        int partitions = random.nextInt(5);
        for (int p = 0; p < partitions; p++) {
            dependencies.put(p * 2, (long) random.nextInt(Integer.MAX_VALUE));
        }
        return new SourceTransaction(random.nextInt(100_000) + ":0/" + Integer.toHexString(random.nextInt()),
                random.nextInt(10_000), random.nextBoolean(), dependencies);
    }

    private static ChangeEvent randomEvent(Random random) {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        columns.put("id", ColumnValue.of(random.nextLong()));
        int n = random.nextInt(14);
        for (int c = 0; c < n; c++) {
            columns.put("c" + c, randomValue(random));
        }
        Map<SiteId, Long> vv = new LinkedHashMap<>();
        int sites = 1 + random.nextInt(4);
        for (int s = 0; s < sites; s++) {
            vv.put(SiteId.of("site" + s), 1L + random.nextInt(1_000_000));
        }
        boolean delete = random.nextInt(5) == 0;
        Map<String, ColumnStamp> stamps = new LinkedHashMap<>();
        if (random.nextInt(4) == 0) {
            stamps.put("c0", new ColumnStamp(random.nextLong() & Long.MAX_VALUE, SiteId.of("site0")));
        }
        return new ChangeEvent("public.t" + random.nextInt(3), Long.toString(random.nextLong()),
                delete ? ChangeEvent.Op.DELETE : ChangeEvent.Op.UPSERT, List.of("id"), columns,
                VersionVector.of(vv), new Dot(SiteId.of("site0"), vv.get(SiteId.of("site0"))),
                random.nextLong() & Long.MAX_VALUE, random.nextLong() & Long.MAX_VALUE, "0/" + random.nextInt(),
                stamps, Map.of());
    }

    private static ColumnValue randomValue(Random random) {
        return switch (random.nextInt(13)) {
            case 0 -> ColumnValue.NULL;
            case 1 -> ColumnValue.of(random.nextLong());
            case 2 -> ColumnValue.of(new BigDecimal(new BigInteger(1 + random.nextInt(120), random)
                    .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)), random.nextInt(40) - 5));
            case 3 -> ColumnValue.of(random.nextDouble() * 1e6);
            case 4 -> ColumnValue.of(random.nextBoolean());
            case 5 -> ColumnValue.of("text " + random.nextInt() + (random.nextBoolean() ? " naïve 🚀" : ""));
            case 6 -> {
                byte[] bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
                yield ColumnValue.of(bytes);
            }
            case 7 -> ColumnValue.of(LocalDate.ofEpochDay(random.nextInt(2_900_000) - 700_000));
            case 8 -> new ColumnValue.TimeValue(random.nextLong(ColumnValue.MICROS_PER_DAY + 1));
            case 9 -> ColumnValue.of(LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12),
                    1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60),
                    random.nextInt(1_000_000) * 1000));
            case 10 -> ColumnValue.of(Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000)
                    * 1000));
            case 11 -> ColumnValue.of(new UUID(random.nextLong(), random.nextLong()));
            default -> ColumnValue.json("{\"n\": " + random.nextInt() + "}");
        };
    }

    /** The envelope as a generic record, built from the schema alone. */
    private static GenericRecord envelope(ChangeEvent event, SourceTransaction transaction) {
        GenericData.Record r = new GenericData.Record(SCHEMA);
        r.put("version", ChangeEnvelopeCodec.FORMAT_VERSION);
        r.put("table", event.table());
        r.put("key", event.key());
        r.put("op", new GenericData.EnumSymbol(SCHEMA.getField("op").schema(), event.op().name()));
        r.put("keyColumns", event.keyColumns());
        List<GenericRecord> columns = new ArrayList<>();
        for (Map.Entry<String, ColumnValue> entry : event.columns().entrySet()) {
            GenericData.Record column = new GenericData.Record(COLUMN);
            column.put("name", entry.getKey());
            column.put("value", value(entry.getValue()));
            columns.add(column);
        }
        r.put("columns", columns);
        List<GenericRecord> vv = new ArrayList<>();
        for (Map.Entry<SiteId, Long> entry : event.vv().entries().entrySet()) {
            GenericData.Record e = new GenericData.Record(ENTRY);
            e.put("site", entry.getKey().value());
            e.put("counter", entry.getValue());
            vv.add(e);
        }
        r.put("vv", vv);
        r.put("dotOrigin", event.dot().origin().value());
        r.put("dotSequence", event.dot().sequence());
        r.put("hlc", event.hlc());
        r.put("commitTimeMicros", event.commitTimeMicros());
        r.put("sourcePosition", event.sourcePosition());
        r.put("columnStamps", MetaJson.stamps(event.columnStamps()));
        r.put("counters", MetaJson.counters(event.counters()));
        if (transaction != null) {
            Schema txSchema = SCHEMA.getField("transaction").schema().getTypes().get(1);
            Schema offsetSchema = txSchema.getField("dependencies").schema().getElementType();
            GenericData.Record tx = new GenericData.Record(txSchema);
            tx.put("id", transaction.id());
            tx.put("index", transaction.index());
            tx.put("last", transaction.last());
            List<GenericRecord> dependencies = new ArrayList<>();
            transaction.dependencies().forEach((partition, next) -> {
                GenericData.Record offset = new GenericData.Record(offsetSchema);
                offset.put("partition", partition);
                offset.put("nextOffset", next);
                dependencies.add(offset);
            });
            tx.put("dependencies", dependencies);
            r.put("transaction", tx);
        }
        return r;
    }

    private static Object value(ColumnValue value) {
        if (value instanceof ColumnValue.NullValue) {
            return null;
        }
        String branch = value.getClass().getSimpleName();
        Schema schema = VALUE.getTypes().stream().filter(t -> t.getName().equals(branch)).findFirst().orElseThrow();
        GenericData.Record r = new GenericData.Record(schema);
        if (value instanceof ColumnValue.DecimalValue v) {
            r.put(0, ByteBuffer.wrap(v.value().unscaledValue().toByteArray()));
            r.put(1, v.value().scale());
        } else if (value instanceof ColumnValue.BytesValue v) {
            r.put(0, ByteBuffer.wrap(v.value()));
        } else if (value instanceof ColumnValue.DateValue v) {
            r.put(0, v.epochDay());
        } else if (value instanceof ColumnValue.TimeValue v) {
            r.put(0, v.microsOfDay());
        } else if (value instanceof ColumnValue.TimestampValue v) {
            r.put(0, v.epochMicros());
        } else if (value instanceof ColumnValue.TimestampTzValue v) {
            r.put(0, v.epochMicros());
        } else if (value instanceof ColumnValue.UuidValue v) {
            r.put(0, new GenericData.Fixed(schema.getField("value").schema(), ByteBuffer.allocate(16)
                    .putLong(v.value().getMostSignificantBits()).putLong(v.value().getLeastSignificantBits()).array()));
        } else if (value instanceof ColumnValue.IntegerValue v) {
            r.put(0, v.value());
        } else if (value instanceof ColumnValue.FloatValue v) {
            r.put(0, v.value());
        } else if (value instanceof ColumnValue.BooleanValue v) {
            r.put(0, v.value());
        } else if (value instanceof ColumnValue.TextValue v) {
            r.put(0, v.value());
        } else if (value instanceof ColumnValue.JsonValue v) {
            r.put(0, v.value());
        }
        return r;
    }
}
