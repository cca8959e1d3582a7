package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class ChangeEnvelopeCodecTest {

    private static final SiteId EAST = SiteId.of("east");
    private static final SiteId WEST = SiteId.of("west");

    private final ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();

    private static Map<String, ColumnValue> everyKind() {
        Map<String, ColumnValue> c = new LinkedHashMap<>();
        c.put("id", ColumnValue.of(42L));
        c.put("long_max", ColumnValue.of(Long.MAX_VALUE));
        c.put("long_min", ColumnValue.of(Long.MIN_VALUE));
        c.put("dec38", ColumnValue.of(new BigDecimal("12345678901234567890123456789012345678")));
        c.put("dec38_scaled", ColumnValue.of(new BigDecimal("-0.12345678901234567890123456789012345678")));
        c.put("dec60", ColumnValue.of(new BigDecimal(
                "1234567890123456789012345678901234567890.12345678901234567890")));
        c.put("dec_negative", ColumnValue.of(new BigDecimal("-98765432109876543210")));
        c.put("dec_minus_one", ColumnValue.of(new BigDecimal("-1")));
        c.put("dec_trailing_zeros", ColumnValue.of(new BigDecimal("1.500")));
        c.put("dec_negative_scale", ColumnValue.of(new BigDecimal(BigInteger.valueOf(7), -3)));
        c.put("dec_zero", ColumnValue.of(BigDecimal.ZERO));
        c.put("nan", ColumnValue.of(Double.NaN));
        c.put("pos_inf", ColumnValue.of(Double.POSITIVE_INFINITY));
        c.put("neg_inf", ColumnValue.of(Double.NEGATIVE_INFINITY));
        c.put("neg_zero", ColumnValue.of(-0.0d));
        c.put("tiny", ColumnValue.of(Double.MIN_VALUE));
        c.put("yes", ColumnValue.of(true));
        c.put("no", ColumnValue.of(false));
        c.put("emoji", ColumnValue.of("naïve 🚀 café 𝄞 日本"));
        c.put("empty_text", ColumnValue.of(""));
        c.put("null_text", ColumnValue.NULL);
        c.put("bytes", ColumnValue.of(new byte[] {0, -1, 127, -128, 1}));
        c.put("empty_bytes", ColumnValue.of(new byte[0]));
        c.put("date_min", ColumnValue.of(LocalDate.of(1, 1, 1)));
        c.put("date_max", ColumnValue.of(LocalDate.of(9999, 12, 31)));
        c.put("date_before_epoch", ColumnValue.of(LocalDate.of(1969, 12, 31)));
        c.put("time", ColumnValue.of(LocalTime.of(23, 59, 59, 999_999_000)));
        c.put("time_midnight", ColumnValue.of(LocalTime.MIDNIGHT));
        c.put("time_24", new ColumnValue.TimeValue(ColumnValue.MICROS_PER_DAY));
        c.put("ts_max", ColumnValue.of(LocalDateTime.parse("9999-12-31T23:59:59.999999")));
        c.put("ts_min", ColumnValue.of(LocalDateTime.parse("0001-01-01T00:00:00")));
        c.put("ts_pre_epoch", ColumnValue.of(LocalDateTime.parse("1969-12-31T23:59:59.000001")));
        c.put("tstz", ColumnValue.of(Instant.parse("2024-02-29T12:34:56.123456Z")));
        c.put("tstz_pre_epoch", ColumnValue.of(Instant.parse("1900-01-01T00:00:00.000001Z")));
        c.put("tstz_max", ColumnValue.of(Instant.parse("9999-12-31T23:59:59.999999Z")));
        c.put("uuid", ColumnValue.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")));
        c.put("uuid_max", ColumnValue.of(new UUID(-1L, -1L)));
        c.put("json", ColumnValue.json("{\"a\": [1, 2.5, null], \"b\": \"🚀\"}"));
        c.put("json_text_lookalike", ColumnValue.of("{\"a\": 1}"));
        return c;
    }

    private static ChangeEvent upsert(Map<String, ColumnValue> columns) {
        VersionVector vv = VersionVector.parse("east:7,west:3");
        return new ChangeEvent("public.orders", "42", ChangeEvent.Op.UPSERT, List.of("id"), columns, vv,
                new Dot(EAST, 7), HybridClock.pack(1_700_000_000_123L, 5), 1_700_000_000_123_456L, "0/16B3748");
    }

    @Test
    void roundTripsEveryValueKindExactly() {
        ChangeEvent event = upsert(everyKind());
        ChangeEvent decoded = codec.decode(codec.encode(event));

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.columns()).containsExactlyEntriesOf(event.columns());
        assertThat(List.copyOf(decoded.columns().keySet())).isEqualTo(List.copyOf(event.columns().keySet()));
        for (Map.Entry<String, ColumnValue> entry : event.columns().entrySet()) {
            assertThat(decoded.columns().get(entry.getKey())).as(entry.getKey())
                    .isEqualTo(entry.getValue())
                    .hasSameClassAs(entry.getValue());
        }
    }

    @Test
    void keepsDecimalScaleAndPrecision() {
        ChangeEvent decoded = codec.decode(codec.encode(upsert(everyKind())));
        BigDecimal dec60 = ((ColumnValue.DecimalValue) decoded.columns().get("dec60")).value();
        assertThat(dec60.precision()).isEqualTo(60);
        assertThat(dec60.scale()).isEqualTo(20);
        assertThat(dec60.toPlainString()).isEqualTo("1234567890123456789012345678901234567890.12345678901234567890");
        BigDecimal trailing = ((ColumnValue.DecimalValue) decoded.columns().get("dec_trailing_zeros")).value();
        assertThat(trailing.toPlainString()).isEqualTo("1.500");
        BigDecimal negativeScale = ((ColumnValue.DecimalValue) decoded.columns().get("dec_negative_scale")).value();
        assertThat(negativeScale.scale()).isEqualTo(-3);
    }

    @Test
    void keepsNaNNegativeZeroAndInfinities() {
        ChangeEvent decoded = codec.decode(codec.encode(upsert(everyKind())));
        assertThat(((ColumnValue.FloatValue) decoded.columns().get("nan")).value()).isNaN();
        assertThat(Double.doubleToRawLongBits(((ColumnValue.FloatValue) decoded.columns().get("neg_zero")).value()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0d));
        assertThat(((ColumnValue.FloatValue) decoded.columns().get("neg_inf")).value())
                .isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void distinguishesEmptyTextFromNullAndJsonFromText() {
        ChangeEvent decoded = codec.decode(codec.encode(upsert(everyKind())));
        assertThat(decoded.columns().get("empty_text")).isEqualTo(new ColumnValue.TextValue(""));
        assertThat(decoded.columns().get("null_text")).isSameAs(ColumnValue.NULL);
        assertThat(decoded.columns().get("json")).isInstanceOf(ColumnValue.JsonValue.class);
        assertThat(decoded.columns().get("json_text_lookalike")).isInstanceOf(ColumnValue.TextValue.class);
        assertThat(((ColumnValue.BytesValue) decoded.columns().get("empty_bytes")).length()).isZero();
    }

    @Test
    void roundTripsTimestampsAtMicrosecondBoundaries() {
        ChangeEvent decoded = codec.decode(codec.encode(upsert(everyKind())));
        assertThat(((ColumnValue.TimestampValue) decoded.columns().get("ts_max")).value())
                .isEqualTo(LocalDateTime.parse("9999-12-31T23:59:59.999999"));
        assertThat(((ColumnValue.DateValue) decoded.columns().get("date_min")).value())
                .isEqualTo(LocalDate.parse("0001-01-01"));
        assertThat(((ColumnValue.TimestampTzValue) decoded.columns().get("tstz")).epochMicros())
                .isEqualTo(1_709_210_096_123_456L);
    }

    @Test
    void roundTripsExtremeEpochMicros() {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        columns.put("id", ColumnValue.of(1L));
        columns.put("ts_lo", ColumnValue.TimestampValue.ofEpochMicros(Long.MIN_VALUE));
        columns.put("ts_hi", ColumnValue.TimestampValue.ofEpochMicros(Long.MAX_VALUE));
        columns.put("tz_lo", ColumnValue.TimestampTzValue.ofEpochMicros(Long.MIN_VALUE));
        columns.put("tz_hi", ColumnValue.TimestampTzValue.ofEpochMicros(Long.MAX_VALUE));
        ChangeEvent event = upsert(columns);
        ChangeEvent decoded = codec.decode(codec.encode(event));
        assertThat(decoded).isEqualTo(event);
        assertThat(((ColumnValue.TimestampTzValue) decoded.columns().get("tz_lo")).epochMicros())
                .isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void roundTripsDeleteWithOnlyKeyColumns() {
        Map<String, ColumnValue> key = new LinkedHashMap<>();
        key.put("tenant", ColumnValue.of("acme"));
        key.put("id", ColumnValue.of(UUID.fromString("00000000-0000-0000-0000-000000000001")));
        ChangeEvent delete = new ChangeEvent("sales.order_lines", "acme|00000000-0000-0000-0000-000000000001",
                ChangeEvent.Op.DELETE, List.of("tenant", "id"), key, VersionVector.parse("east:2,west:9"),
                new Dot(WEST, 9), 0L, 0L, "");

        ChangeEvent decoded = codec.decode(codec.encode(delete));

        assertThat(decoded).isEqualTo(delete);
        assertThat(decoded.op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(decoded.keyColumns()).containsExactly("tenant", "id");
        assertThat(decoded.origin()).isEqualTo(WEST);
        assertThat(decoded.sourcePosition()).isEmpty();
    }

    @Test
    void startsWithTheSingleObjectMarkerAndSchemaFingerprint() {
        byte[] bytes = codec.encode(upsert(everyKind()));
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        byte[] fingerprint = Arrays.copyOfRange(bytes, 2, 10);
        long fp = 0;
        for (int i = 7; i >= 0; i--) {
            fp = (fp << 8) | (fingerprint[i] & 0xFF);
        }
        assertThat(fp).isEqualTo(SchemaNormalization.parsingFingerprint64(ChangeEnvelopeCodec.schema()));
    }

    @Test
    void encodingIsDeterministic() {
        ChangeEvent event = upsert(everyKind());
        assertThat(codec.encode(event)).isEqualTo(new ChangeEnvelopeCodec().encode(event));
    }

    @Test
    void schemaComesFromTheClasspathResource() {
        Schema schema = ChangeEnvelopeCodec.schema();
        assertThat(schema.getFullName()).isEqualTo("io.syncline.avro.ChangeEnvelope");
        assertThat(ChangeEnvelopeCodec.class.getResource(ChangeEnvelopeCodec.SCHEMA_RESOURCE)).isNotNull();
        Schema value = schema.getField("columns").schema().getElementType().getField("value").schema();
        assertThat(value.getTypes()).extracting(Schema::getName).containsExactly("null", "IntegerValue",
                "DecimalValue", "FloatValue", "BooleanValue", "TextValue", "BytesValue", "DateValue", "TimeValue",
                "TimestampValue", "TimestampTzValue", "UuidValue", "JsonValue");
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}))
                .isInstanceOf(EnvelopeFormatException.class)
                .hasMessageStartingWith("record is not a Syncline change envelope: ");
        assertThatThrownBy(() -> codec.decode("{\"table\":\"public.orders\"}".getBytes()))
                .isInstanceOf(EnvelopeFormatException.class);
    }

    @Test
    void rejectsEmptyAndNull() {
        assertThatThrownBy(() -> codec.decode(new byte[0]))
                .isInstanceOf(EnvelopeFormatException.class)
                .hasMessageStartingWith("record is not a Syncline change envelope");
        assertThatThrownBy(() -> codec.decode(null))
                .isInstanceOf(EnvelopeFormatException.class)
                .hasMessageContaining("null");
    }

    @Test
    void rejectsAnUnknownSchemaFingerprint() {
        byte[] bytes = codec.encode(upsert(everyKind()));
        bytes[5] ^= 0x5A;
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(EnvelopeFormatException.class)
                .hasMessageStartingWith("record is not a Syncline change envelope this version can read");
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] bytes = codec.encode(upsert(everyKind()));
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> codec.decode(truncated))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(EnvelopeFormatException.class);
        }
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] bytes = codec.encode(upsert(everyKind()));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> codec.decode(longer))
                .isInstanceOf(EnvelopeFormatException.class)
                .hasMessageContaining("unexpected bytes after the envelope");
    }

    @Test
    void corruptBodiesNeverEscapeAsAnythingElse() {
        byte[] bytes = codec.encode(upsert(everyKind()));
        Random random = new Random(bytes.length);
        for (int i = 0; i < 500; i++) {
            byte[] corrupt = bytes.clone();
            int at = 10 + random.nextInt(corrupt.length - 10);
            corrupt[at] = (byte) random.nextInt(256);
            try {
                codec.decode(corrupt);
            } catch (EnvelopeFormatException expected) {
                // a corrupt body is either still a valid event or rejected with this exception
            }
        }
    }

    @Test
    void rejectsAHugeLengthWithoutAllocatingIt() {
        byte[] valid = codec.encode(upsert(Map.of("id", ColumnValue.of(1L))));
        // Keep the header and the version, then claim the table name is about 2 GB long.
        byte[] bytes = Arrays.copyOf(valid, 16);
        int at = 11;
        long zigZag = 2L * 2_000_000_000L;
        while ((zigZag & ~0x7FL) != 0) {
            bytes[at++] = (byte) ((zigZag & 0x7F) | 0x80);
            zigZag >>>= 7;
        }
        bytes[at++] = (byte) zigZag;
        byte[] corrupt = Arrays.copyOf(bytes, at);
        assertThatThrownBy(() -> codec.decode(corrupt))
                .isInstanceOf(EnvelopeFormatException.class)
                .hasMessageStartingWith("record is not a Syncline change envelope: truncated or corrupt data");
    }

    @Test
    void rejectsAnEnvelopeWithAnInvalidEvent() {
        // Same schema and valid Avro, but a site id the model refuses.
        ChangeEvent event = upsert(Map.of("id", ColumnValue.of(1L)));
        byte[] bytes = codec.encode(event);
        byte[] badOrigin = replaceOnce(bytes, "east".getBytes(), "EAST".getBytes());
        assertThatThrownBy(() -> codec.decode(badOrigin))
                .isInstanceOf(EnvelopeFormatException.class)
                .hasMessageStartingWith("change envelope holds an invalid event: ");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        ChangeEvent event = upsert(everyKind());
        byte[] expected = codec.encode(event);
        Thread[] threads = new Thread[4];
        Throwable[] failures = new Throwable[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        byte[] bytes = codec.encode(event);
                        if (!Arrays.equals(bytes, expected) || !codec.decode(bytes).equals(event)) {
                            throw new AssertionError("thread " + id + " round " + i + " differs");
                        }
                    }
                } catch (Throwable e) {
                    failures[id] = e;
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertThat(failures).containsOnlyNulls();
    }

    private static byte[] replaceOnce(byte[] haystack, byte[] needle, byte[] replacement) {
        outer:
        for (int i = 10; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            byte[] copy = haystack.clone();
            System.arraycopy(replacement, 0, copy, i, replacement.length);
            return copy;
        }
        throw new AssertionError("needle not found");
    }
}
