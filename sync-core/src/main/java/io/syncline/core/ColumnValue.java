package io.syncline.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

/**
 * The value of one column in a {@link ChangeEvent}: one record type per kind, so a value keeps
 * its exact type from source to replica (a decimal keeps its scale, a JSON document is not
 * mistaken for text, SQL {@code NULL} is not the empty string).
 *
 * <p>Time values have microsecond precision, the finest PostgreSQL and MySQL keep.
 *
 * <pre>{@code
 * ColumnValue price = ColumnValue.of(new BigDecimal("19.90"));
 * ColumnValue note = ColumnValue.of((String) null);          // ColumnValue.NULL
 * if (price instanceof ColumnValue.DecimalValue d) {
 *     d.value().scale();                                     // 2
 * }
 * }</pre>
 */
public sealed interface ColumnValue {

    /** SQL {@code NULL}. */
    NullValue NULL = new NullValue();

    /** Microseconds in a day; {@link TimeValue} also allows this value itself, for {@code 24:00:00}. */
    long MICROS_PER_DAY = 86_400_000_000L;

    /** Returns an integer value. */
    static IntegerValue of(long value) {
        return new IntegerValue(value);
    }

    /** Returns a floating-point value. */
    static FloatValue of(double value) {
        return new FloatValue(value);
    }

    /** Returns a boolean value. */
    static BooleanValue of(boolean value) {
        return new BooleanValue(value);
    }

    /** Returns a decimal value, or {@link #NULL} for null. */
    static ColumnValue of(BigDecimal value) {
        return value == null ? NULL : new DecimalValue(value);
    }

    /** Returns a text value, or {@link #NULL} for null. */
    static ColumnValue of(String value) {
        return value == null ? NULL : new TextValue(value);
    }

    /** Returns a binary value (copied), or {@link #NULL} for null. */
    static ColumnValue of(byte[] value) {
        return value == null ? NULL : new BytesValue(value);
    }

    /** Returns a date value, or {@link #NULL} for null. */
    static ColumnValue of(LocalDate value) {
        return value == null ? NULL : new DateValue(value);
    }

    /** Returns a time-of-day value, or {@link #NULL} for null. */
    static ColumnValue of(LocalTime value) {
        return value == null ? NULL : TimeValue.of(value);
    }

    /** Returns a timestamp without time zone, or {@link #NULL} for null. */
    static ColumnValue of(LocalDateTime value) {
        return value == null ? NULL : new TimestampValue(value);
    }

    /** Returns a timestamp with time zone, or {@link #NULL} for null. */
    static ColumnValue of(Instant value) {
        return value == null ? NULL : new TimestampTzValue(value);
    }

    /** Returns a UUID value, or {@link #NULL} for null. */
    static ColumnValue of(UUID value) {
        return value == null ? NULL : new UuidValue(value);
    }

    /** Returns a JSON document value, or {@link #NULL} for null. */
    static ColumnValue json(String value) {
        return value == null ? NULL : new JsonValue(value);
    }

    /** SQL {@code NULL}; use {@link ColumnValue#NULL}. */
    record NullValue() implements ColumnValue {
        @Override
        public String toString() {
            return "NULL";
        }
    }

    /** A whole number: smallint, integer, bigint. @param value the number */
    record IntegerValue(long value) implements ColumnValue {
    }

    /**
     * An exact decimal (numeric, decimal) with its own precision and scale, which it keeps:
     * {@code 1.50} and {@code 1.5} are different values here.
     *
     * @param value the number, not null
     */
    record DecimalValue(BigDecimal value) implements ColumnValue {
        /** Checks the value is present. */
        public DecimalValue {
            requirePresent(value, "decimal");
        }
    }

    /** A floating-point number (real, double precision), NaN and infinities included. @param value the number */
    record FloatValue(double value) implements ColumnValue {
    }

    /** A boolean. @param value the truth value */
    record BooleanValue(boolean value) implements ColumnValue {
    }

    /** Text (char, varchar, text). @param value the text, not null; may be empty */
    record TextValue(String value) implements ColumnValue {
        /** Checks the text is present and has a UTF-8 form. */
        public TextValue {
            requirePresent(value, "text");
            WellFormedText.require("text value", value);
        }
    }

    /**
     * Binary data (bytea, blob). The array is copied in and out; equality is by content.
     *
     * @param value the bytes, not null; may be empty
     */
    record BytesValue(byte[] value) implements ColumnValue {
        /** Checks the bytes are present and copies them. */
        public BytesValue {
            requirePresent(value, "bytes");
            value = value.clone();
        }

        /** Returns a copy of the bytes. */
        @Override
        public byte[] value() {
            return value.clone();
        }

        /** Returns the number of bytes. */
        public int length() {
            return value.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesValue other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        /** Shows the length only: binary content does not belong in logs. */
        @Override
        public String toString() {
            return "BytesValue[" + value.length + " bytes]";
        }
    }

    /**
     * A calendar date.
     *
     * @param value the date, not null, within about 5.8 million years of 1970 (days since the epoch fit an int)
     */
    record DateValue(LocalDate value) implements ColumnValue {
        /** Checks the date is present and in range. */
        public DateValue {
            requirePresent(value, "date");
            long day = value.toEpochDay();
            if (day < Integer.MIN_VALUE || day > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("date value " + value + " is out of range: days since 1970-01-01"
                        + " must fit a 32-bit integer");
            }
        }

        /** Returns the days since 1970-01-01. */
        public int epochDay() {
            return (int) value.toEpochDay();
        }
    }

    /**
     * A time of day without time zone, in microseconds after midnight; {@code 24:00:00}
     * (PostgreSQL allows it) is {@link ColumnValue#MICROS_PER_DAY}.
     *
     * @param microsOfDay microseconds after midnight, between 0 and {@link ColumnValue#MICROS_PER_DAY}
     */
    record TimeValue(long microsOfDay) implements ColumnValue {
        /** Checks the time is within one day. */
        public TimeValue {
            if (microsOfDay < 0 || microsOfDay > MICROS_PER_DAY) {
                throw new IllegalArgumentException("time value was " + microsOfDay
                        + " microseconds after midnight, must be between 0 and " + MICROS_PER_DAY);
            }
        }

        /**
         * Returns the time value of a local time.
         *
         * @throws IllegalArgumentException if the time has a fraction finer than a microsecond
         */
        public static TimeValue of(LocalTime time) {
            long nanos = time.toNanoOfDay();
            if (nanos % 1_000 != 0) {
                throw new IllegalArgumentException("time value " + time + " is finer than a microsecond;"
                        + " truncate it to microseconds");
            }
            return new TimeValue(nanos / 1_000);
        }

        /**
         * Returns this time as a local time.
         *
         * @throws java.time.DateTimeException for {@code 24:00:00}, which has no {@link LocalTime}
         */
        public LocalTime toLocalTime() {
            return LocalTime.ofNanoOfDay(microsOfDay * 1_000);
        }
    }

    /**
     * A timestamp without time zone (timestamp, datetime), microsecond precision.
     *
     * @param value the timestamp, not null, whole microseconds, within about 290,000 years of 1970
     */
    record TimestampValue(LocalDateTime value) implements ColumnValue {
        /** Checks the timestamp is present, in whole microseconds and in range. */
        public TimestampValue {
            requirePresent(value, "timestamp");
            requireMicros(value.getNano(), "timestamp", value);
            toEpochMicros(value.toEpochSecond(ZoneOffset.UTC), value.getNano(), "timestamp", value);
        }

        /** Returns a timestamp from microseconds since 1970-01-01T00:00, read as wall-clock time. */
        public static TimestampValue ofEpochMicros(long micros) {
            return new TimestampValue(LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1_000, ZoneOffset.UTC));
        }

        /** Returns microseconds since 1970-01-01T00:00, reading this wall-clock time as if it were UTC. */
        public long epochMicros() {
            return toEpochMicros(value.toEpochSecond(ZoneOffset.UTC), value.getNano(), "timestamp", value);
        }
    }

    /**
     * A timestamp with time zone (timestamptz), an instant, microsecond precision.
     *
     * @param value the instant, not null, whole microseconds, within about 290,000 years of 1970
     */
    record TimestampTzValue(Instant value) implements ColumnValue {
        /** Checks the instant is present, in whole microseconds and in range. */
        public TimestampTzValue {
            requirePresent(value, "timestamptz");
            requireMicros(value.getNano(), "timestamptz", value);
            toEpochMicros(value.getEpochSecond(), value.getNano(), "timestamptz", value);
        }

        /** Returns the instant that many microseconds after 1970-01-01T00:00Z. */
        public static TimestampTzValue ofEpochMicros(long micros) {
            return new TimestampTzValue(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1_000));
        }

        /** Returns microseconds since 1970-01-01T00:00Z. */
        public long epochMicros() {
            return toEpochMicros(value.getEpochSecond(), value.getNano(), "timestamptz", value);
        }
    }

    /** A UUID. @param value the UUID, not null */
    record UuidValue(UUID value) implements ColumnValue {
        /** Checks the UUID is present. */
        public UuidValue {
            requirePresent(value, "uuid");
        }
    }

    /**
     * A JSON document (json, jsonb), kept as its text. It is not parsed here; the database
     * that wrote it has already checked it.
     *
     * @param value the JSON text, not null
     */
    record JsonValue(String value) implements ColumnValue {
        /** Checks the text is present and has a UTF-8 form. */
        public JsonValue {
            requirePresent(value, "json");
            WellFormedText.require("json value", value);
        }
    }

    private static void requirePresent(Object value, String kind) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " value is null: use ColumnValue.NULL for SQL NULL");
        }
    }

    private static void requireMicros(int nanos, String kind, Object value) {
        if (nanos % 1_000 != 0) {
            throw new IllegalArgumentException(kind + " value " + value
                    + " is finer than a microsecond; truncate it to microseconds");
        }
    }

    private static long toEpochMicros(long epochSecond, int nanos, String kind, Object value) {
        try {
            if (epochSecond < 0 && nanos > 0) {
                // Step toward zero first so that the earliest representable micros do not overflow midway.
                return Math.addExact(Math.multiplyExact(epochSecond + 1, 1_000_000L), nanos / 1_000 - 1_000_000L);
            }
            return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nanos / 1_000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(kind + " value " + value
                    + " is out of range: microseconds since 1970 must fit a long", e);
        }
    }
}
