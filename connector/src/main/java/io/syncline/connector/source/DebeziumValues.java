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

    static ColumnValue toColumnValue(Schema schema, Object value) {
        if (value == null) {
            return ColumnValue.NULL;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
                    return value instanceof java.util.Date d
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
                            localFromMicros(((java.util.Date) value).getTime() * 1000L));
                case "io.debezium.time.ZonedTimestamp":
                    return new ColumnValue.TimestampTzValue(OffsetDateTime.parse(value.toString()).toInstant());
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
