package io.syncline.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.data.Json;
import io.debezium.data.Uuid;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.NanoTime;
import io.debezium.time.NanoTimestamp;
import io.debezium.time.Time;
import io.debezium.time.Timestamp;
import io.debezium.time.ZonedTimestamp;
import io.syncline.core.ColumnValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** The schemas come from Debezium's own builders, so the semantic names are the real ones. */
class DebeziumValuesTest {

    private static final LocalDateTime LAST = LocalDateTime.parse("9999-12-31T23:59:59.999999");
    private static final LocalDateTime BEFORE_EPOCH = LocalDateTime.parse("1969-12-31T23:59:59.999999");
    private static final String DIGITS_38 = "12345678901234567890123456789012345678";

    private static ColumnValue map(Schema schema, Object value) {
        return DebeziumValues.toColumnValue(schema, value);
    }

    private static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }

    @Test
    void nullIsSqlNullForEveryType() {
        for (Schema s : List.of(Schema.OPTIONAL_INT32_SCHEMA, MicroTimestamp.builder().optional().build(),
                Decimal.builder(2).optional().build(), SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build())) {
            assertThat(map(s, null)).as(s.toString()).isSameAs(ColumnValue.NULL);
        }
    }

    @Test
    void dates() {
        Schema schema = io.debezium.time.Date.schema();
        assertThat(map(schema, 0)).isEqualTo(ColumnValue.of(LocalDate.of(1970, 1, 1)));
        assertThat(map(schema, (int) LocalDate.of(9999, 12, 31).toEpochDay()))
                .isEqualTo(ColumnValue.of(LocalDate.of(9999, 12, 31)));
        assertThat(map(schema, -1)).isEqualTo(ColumnValue.of(LocalDate.of(1969, 12, 31)));
        assertThat(map(schema, (int) LocalDate.of(-4712, 1, 1).toEpochDay()))
                .isEqualTo(ColumnValue.of(LocalDate.of(-4712, 1, 1)));
    }

    @Test
    void connectDatesBeforeTheEpochDoNotRoundTowardZero() {
        Schema schema = org.apache.kafka.connect.data.Date.SCHEMA;
        java.util.Date dayBefore = new java.util.Date(-86_400_000L);
        assertThat(map(schema, dayBefore)).isEqualTo(ColumnValue.of(LocalDate.of(1969, 12, 31)));
        assertThat(map(schema, new java.util.Date(0))).isEqualTo(ColumnValue.of(LocalDate.of(1970, 1, 1)));
    }

    @Test
    void timesInEveryPrecision() {
        LocalTime t = LocalTime.parse("13:45:06.123456");
        long micro = t.toNanoOfDay() / 1_000;
        assertThat(map(MicroTime.schema(), micro)).isEqualTo(ColumnValue.of(t));
        assertThat(map(Time.schema(), (int) (micro / 1_000)))
                .isEqualTo(ColumnValue.of(LocalTime.parse("13:45:06.123")));
        assertThat(map(NanoTime.schema(), t.toNanoOfDay())).isEqualTo(ColumnValue.of(t));
        assertThat(map(MicroTime.schema(), 0L)).isEqualTo(new ColumnValue.TimeValue(0));
        // PostgreSQL's 24:00:00.
        assertThat(map(MicroTime.schema(), ColumnValue.MICROS_PER_DAY))
                .isEqualTo(new ColumnValue.TimeValue(ColumnValue.MICROS_PER_DAY));
    }

    @Test
    void microTimestampsKeepMicroseconds() {
        Schema schema = MicroTimestamp.schema();
        assertThat(map(schema, micros(LAST))).isEqualTo(ColumnValue.of(LAST));
        assertThat(map(schema, -1L)).isEqualTo(ColumnValue.of(BEFORE_EPOCH));
        assertThat(map(schema, micros(BEFORE_EPOCH))).isEqualTo(ColumnValue.of(BEFORE_EPOCH));
        LocalDateTime old = LocalDateTime.parse("1900-02-28T01:02:03.000004");
        assertThat(map(schema, micros(old))).isEqualTo(ColumnValue.of(old));
        assertThat(map(schema, 0L)).isEqualTo(ColumnValue.of(LocalDateTime.parse("1970-01-01T00:00")));
    }

    @Test
    void milliAndNanoTimestamps() {
        LocalDateTime ms = LocalDateTime.parse("2024-02-29T12:00:00.123");
        assertThat(map(Timestamp.schema(), micros(ms) / 1_000)).isEqualTo(ColumnValue.of(ms));
        assertThat(map(Timestamp.schema(), -1L))
                .isEqualTo(ColumnValue.of(LocalDateTime.parse("1969-12-31T23:59:59.999")));
        // Nanoseconds in a long end in 2262; the last whole microsecond before that:
        LocalDateTime lastNano = LocalDateTime.parse("2262-04-11T23:47:16.854775");
        assertThat(map(NanoTimestamp.schema(), micros(lastNano) * 1_000)).isEqualTo(ColumnValue.of(lastNano));
        assertThat(map(NanoTimestamp.schema(), micros(BEFORE_EPOCH) * 1_000)).isEqualTo(ColumnValue.of(BEFORE_EPOCH));
    }

    @Test
    void connectTimestamps() {
        Schema schema = org.apache.kafka.connect.data.Timestamp.SCHEMA;
        assertThat(map(schema, new java.util.Date(-1L)))
                .isEqualTo(ColumnValue.of(LocalDateTime.parse("1969-12-31T23:59:59.999")));
        assertThat(map(schema, new java.util.Date(micros(LAST) / 1_000)))
                .isEqualTo(ColumnValue.of(LocalDateTime.parse("9999-12-31T23:59:59.999")));
    }

    @Test
    void zonedTimestampsBecomeInstants() {
        Schema schema = ZonedTimestamp.schema();
        OffsetDateTime plusTwo = OffsetDateTime.parse("2024-06-01T10:00:00.000001+02:00");
        // The text exactly as Debezium formats it.
        String text = ZonedTimestamp.toIsoString(plusTwo, null);
        assertThat(map(schema, text)).isEqualTo(ColumnValue.of(Instant.parse("2024-06-01T08:00:00.000001Z")));
        assertThat(map(schema, "9999-12-31T23:59:59.999999Z"))
                .isEqualTo(ColumnValue.of(Instant.parse("9999-12-31T23:59:59.999999Z")));
        assertThat(map(schema, "1969-12-31T23:59:59.999999Z"))
                .isEqualTo(ColumnValue.of(Instant.parse("1969-12-31T23:59:59.999999Z")));
        assertThat(map(schema, ZonedTimestamp.toIsoString(OffsetDateTime.parse("1900-01-01T00:00:00Z"), null)))
                .isEqualTo(ColumnValue.of(Instant.parse("1900-01-01T00:00:00Z")));
    }

    @Test
    void connectDecimalsAreExact() {
        assertThat(map(Decimal.schema(2), new BigDecimal("1.50"))).isEqualTo(ColumnValue.of(new BigDecimal("1.50")));
        BigDecimal wide = new BigDecimal(DIGITS_38);
        assertThat(map(Decimal.schema(0), wide)).isEqualTo(ColumnValue.of(wide));
        BigDecimal fraction = new BigDecimal("-0." + DIGITS_38);
        ColumnValue value = map(Decimal.schema(38), fraction);
        assertThat(value).isEqualTo(ColumnValue.of(fraction));
        assertThat(((ColumnValue.DecimalValue) value).value().scale()).isEqualTo(38);
    }

    @Test
    void variableScaleDecimalsAreExact() {
        Schema schema = VariableScaleDecimal.schema();
        for (String text : List.of("0", "1.50", "-12.345", DIGITS_38, "-" + DIGITS_38, "0.000" + DIGITS_38, "1E+5")) {
            BigDecimal d = new BigDecimal(text);
            Struct struct = VariableScaleDecimal.fromLogical(schema, d);
            ColumnValue value = map(schema, struct);
            assertThat(value).as(text).isEqualTo(ColumnValue.of(d));
            assertThat(DebeziumValues.keyText(schema, struct)).as(text).isEqualTo(d.toPlainString());
        }
    }

    @Test
    void variableScaleDecimalWithAByteBuffer() {
        Schema schema = VariableScaleDecimal.schema();
        BigDecimal d = new BigDecimal("-98765.4321");
        ByteBuffer buffer = ByteBuffer.wrap(d.unscaledValue().toByteArray());
        Struct struct = new Struct(schema).put("scale", d.scale()).put("value", buffer);
        assertThat(map(schema, struct)).isEqualTo(ColumnValue.of(d));
        assertThat(buffer.remaining()).as("the buffer is not consumed").isEqualTo(d.unscaledValue().toByteArray().length);
    }

    @Test
    void uuidAndJson() {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(map(Uuid.schema(), id.toString())).isEqualTo(ColumnValue.of(id));
        String doc = "{\"a\": [1, 2.5, null], \"b\": \"ü\"}";
        assertThat(map(Json.schema(), doc)).isEqualTo(ColumnValue.json(doc));
        assertThat(map(Json.schema(), doc)).isNotEqualTo(ColumnValue.of(doc));
    }

    @Test
    void integers() {
        assertThat(map(Schema.INT8_SCHEMA, (byte) -128)).isEqualTo(ColumnValue.of(-128L));
        assertThat(map(Schema.INT16_SCHEMA, Short.MAX_VALUE)).isEqualTo(ColumnValue.of((long) Short.MAX_VALUE));
        assertThat(map(Schema.INT32_SCHEMA, Integer.MIN_VALUE)).isEqualTo(ColumnValue.of((long) Integer.MIN_VALUE));
        assertThat(map(Schema.INT64_SCHEMA, Long.MAX_VALUE)).isEqualTo(ColumnValue.of(Long.MAX_VALUE));
    }

    @Test
    void floats() {
        assertThat(map(Schema.FLOAT32_SCHEMA, 1.5f)).isEqualTo(ColumnValue.of(1.5d));
        assertThat(map(Schema.FLOAT64_SCHEMA, -0.1d)).isEqualTo(ColumnValue.of(-0.1d));
        assertThat(map(Schema.FLOAT64_SCHEMA, Double.NaN)).isEqualTo(ColumnValue.of(Double.NaN));
        assertThat(map(Schema.FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY))
                .isEqualTo(ColumnValue.of(Double.NEGATIVE_INFINITY));
    }

    @Test
    void booleansAndStrings() {
        assertThat(map(Schema.BOOLEAN_SCHEMA, true)).isEqualTo(ColumnValue.of(true));
        assertThat(map(Schema.BOOLEAN_SCHEMA, false)).isEqualTo(ColumnValue.of(false));
        assertThat(map(Schema.STRING_SCHEMA, "")).isEqualTo(ColumnValue.of(""));
        assertThat(map(Schema.STRING_SCHEMA, "Zürich 🚀")).isEqualTo(ColumnValue.of("Zürich 🚀"));
        // A semantic type Syncline does not special-case falls back to its physical type.
        assertThat(map(SchemaBuilder.string().name("io.debezium.data.Enum").build(), "RED"))
                .isEqualTo(ColumnValue.of("RED"));
    }

    @Test
    void bytesFromArraysAndBuffers() {
        byte[] bytes = {0, 1, (byte) 0xff, 42};
        assertThat(map(Schema.BYTES_SCHEMA, bytes)).isEqualTo(ColumnValue.of(bytes));
        assertThat(map(Schema.BYTES_SCHEMA, new byte[0])).isEqualTo(ColumnValue.of(new byte[0]));
        ByteBuffer buffer = ByteBuffer.allocate(8);
        buffer.put((byte) 9).put(bytes).flip();
        buffer.get();
        assertThat(map(Schema.BYTES_SCHEMA, buffer)).as("only the remaining bytes").isEqualTo(ColumnValue.of(bytes));
        assertThat(buffer.remaining()).as("the buffer is not consumed").isEqualTo(4);
    }

    @Test
    void unsupportedTypesAreRefusedNamingTheType() {
        assertThatThrownBy(() -> map(SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of(1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ARRAY")
                .hasMessageContaining("not supported");
        Schema point = SchemaBuilder.struct().name("io.debezium.data.geometry.Point")
                .field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA).build();
        assertThatThrownBy(() -> map(point, new Struct(point).put("x", 1.0).put("y", 2.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRUCT (io.debezium.data.geometry.Point)");
        Schema mapSchema = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build();
        assertThatThrownBy(() -> map(mapSchema, Map.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAP");
    }

    @Test
    void keyTexts() {
        assertThat(DebeziumValues.keyText(Schema.INT64_SCHEMA, 42L)).isEqualTo("42");
        assertThat(DebeziumValues.keyText(Schema.STRING_SCHEMA, "a,b")).isEqualTo("a,b");
        assertThat(DebeziumValues.keyText(Decimal.schema(2), new BigDecimal("1.50"))).isEqualTo("1.50");
        assertThat(DebeziumValues.keyText(Decimal.schema(-2), new BigDecimal(new BigInteger("7"), -2)))
                .isEqualTo("700");
        assertThat(DebeziumValues.keyText(Uuid.schema(), "123e4567-e89b-12d3-a456-426614174000"))
                .isEqualTo("123e4567-e89b-12d3-a456-426614174000");
    }

    @Test
    void instantMicrosCountsBeforeTheEpochToo() {
        assertThat(DebeziumValues.instantMicros(Instant.parse("1970-01-01T00:00:00.000001Z"))).isEqualTo(1);
        assertThat(DebeziumValues.instantMicros(Instant.parse("1969-12-31T23:59:59.999999Z"))).isEqualTo(-1);
        assertThat(DebeziumValues.instantMicros(Instant.parse("9999-12-31T23:59:59.999999Z")))
                .isEqualTo(253_402_300_799_999_999L);
    }

    @Test
    void utcInstantReadsDebeziumsZonedTimestampsExactlyAsTheIsoParserDoes() {
        long seed = System.nanoTime();
        System.out.println("DebeziumValuesTest seed " + seed);
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(List.of("2026-11-26T13:00:00Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00.1Z",
                "2024-02-29T12:00:00.5Z", "2026-11-26T13:00:00+01:00", "+10000-01-01T00:00:00Z",
                "2026-11-26T13:00:00.123456+00:00", "2026-11-26T13:00:00.Z"));
        for (int i = 0; i < 2_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
            texts.add(ZonedTimestamp.toIsoString(instant.atOffset(ZoneOffset.UTC), null));
        }
        for (String text : texts) {
            assertThat(DebeziumValues.utcInstant(text)).as("seed %d, %s", seed, text)
                    .isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
    }

    @Test
    void utcInstantRefusesWhatTheIsoParserRefuses() {
        for (String text : List.of("2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T13:00:60Z",
                "2026-13-01T00:00:00Z", "2026-1x-01T00:00:00Z")) {
            assertThatThrownBy(() -> DebeziumValues.utcInstant(text)).as(text)
                    .isInstanceOf(DateTimeParseException.class);
        }
    }
}
