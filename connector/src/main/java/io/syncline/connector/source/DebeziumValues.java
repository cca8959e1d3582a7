package io.syncline.connector.source;

import io.syncline.core.ColumnValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Turns a value captured by Debezium (with its Connect schema and Debezium semantic type) into a
 * typed {@link ColumnValue}, keeping precision: decimals stay exact, timestamps keep microseconds.
 */
final class DebeziumValues {

    private DebeziumValues() {
    }

    /**
     * The instant of Debezium's ZonedTimestamp text. Debezium writes UTC instants as
     * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}; that shape is read digit by digit (the general ISO
     * parser was a fifth of the capture's own work), anything else by {@link OffsetDateTime#parse}.
     */
    static Instant utcInstant(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return OffsetDateTime.parse(text).toInstant();
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (length > 20) {
            int fraction = length - 21;
            if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return OffsetDateTime.parse(text).toInstant();
            }
            nanos = digits(text, 20, length - 1);
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        } else if (length != 20) {
            return OffsetDateTime.parse(text).toInstant();
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || nanos < 0 || month < 1 || month > 12 || day < 1
                || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return OffsetDateTime.parse(text).toInstant();
        }
        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** The decimal number written by the characters from {@code from} to {@code to}, or -1. */
    private static int digits(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static ColumnValue toColumnValue(Schema schema, Object value) {
        if (value == null) {
            return ColumnValue.NULL;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
                    return value instanceof Date d
                            ? new ColumnValue.DateValue(LocalDate.ofEpochDay(Math.floorDiv(d.getTime(), 86_400_000L)))
                            : new ColumnValue.DateValue(LocalDate.ofEpochDay(((Number) value).longValue()));
                case "io.debezium.time.MicroTime":
                    return new ColumnValue.TimeValue(((Number) value).longValue());
                case "io.debezium.time.Time":
                    return new ColumnValue.TimeValue(((Number) value).longValue() * 1000L);
                case "io.debezium.time.NanoTime":
                    return new ColumnValue.TimeValue(Math.floorDiv(((Number) value).longValue(), 1000L));
                case "io.debezium.time.MicroTimestamp":
                    return new ColumnValue.TimestampValue(localFromMicros(((Number) value).longValue()));
                case "io.debezium.time.Timestamp":
                    return new ColumnValue.TimestampValue(localFromMicros(((Number) value).longValue() * 1000L));
                case "io.debezium.time.NanoTimestamp":
                    return new ColumnValue.TimestampValue(
                            localFromMicros(Math.floorDiv(((Number) value).longValue(), 1000L)));
                case "org.apache.kafka.connect.data.Timestamp":
                    return new ColumnValue.TimestampValue(
                            localFromMicros(((Date) value).getTime() * 1000L));
                case "io.debezium.time.ZonedTimestamp":
                    return new ColumnValue.TimestampTzValue(utcInstant(value.toString()));
                case "org.apache.kafka.connect.data.Decimal":
                    return new ColumnValue.DecimalValue((BigDecimal) value);
                case "io.debezium.data.VariableScaleDecimal":
                    return new ColumnValue.DecimalValue(variableScale((Struct) value));
                case "io.debezium.data.Uuid":
                    return new ColumnValue.UuidValue(UUID.fromString(value.toString()));
                case "io.debezium.data.Json":
                    return new ColumnValue.JsonValue(value.toString());
                default:
                    break;
            }
        }
        switch (schema.type()) {
            case INT8, INT16, INT32, INT64:
                return new ColumnValue.IntegerValue(((Number) value).longValue());
            case FLOAT32, FLOAT64:
                return new ColumnValue.FloatValue(((Number) value).doubleValue());
            case BOOLEAN:
                return new ColumnValue.BooleanValue((Boolean) value);
            case STRING:
                return new ColumnValue.TextValue(value.toString());
            case BYTES:
                if (value instanceof ByteBuffer buffer) {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.duplicate().get(bytes);
                    return new ColumnValue.BytesValue(bytes);
                }
                return new ColumnValue.BytesValue((byte[]) value);
            default:
                throw new IllegalArgumentException("column type " + schema.type()
                        + (name == null ? "" : " (" + name + ")") + " is not supported by Syncline");
        }
    }

    /** The text of a key column, the same text PostgreSQL's jsonb rendering gives for it. */
    static String keyText(Schema schema, Object value) {
        if ("io.debezium.data.VariableScaleDecimal".equals(schema.name())) {
            return variableScale((Struct) value).toPlainString();
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }

    private static BigDecimal variableScale(Struct struct) {
        int scale = struct.getInt32("scale");
        Object raw = struct.get("value");
        byte[] bytes;
        if (raw instanceof ByteBuffer buffer) {
            bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
        } else {
            bytes = (byte[]) raw;
        }
        return new BigDecimal(new BigInteger(bytes), scale);
    }

    private static LocalDateTime localFromMicros(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long nanos = Math.floorMod(micros, 1_000_000L) * 1000L;
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    static long instantMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000L;
    }
}
