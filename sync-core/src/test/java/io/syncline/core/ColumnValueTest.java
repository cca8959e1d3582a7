package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ColumnValueTest {

    @Test
    void factoriesMapNullToSqlNull() {
        assertThat(ColumnValue.of((String) null)).isSameAs(ColumnValue.NULL);
        assertThat(ColumnValue.of((BigDecimal) null)).isSameAs(ColumnValue.NULL);
        assertThat(ColumnValue.of((byte[]) null)).isSameAs(ColumnValue.NULL);
        assertThat(ColumnValue.of((Instant) null)).isSameAs(ColumnValue.NULL);
        assertThat(ColumnValue.of((UUID) null)).isSameAs(ColumnValue.NULL);
        assertThat(ColumnValue.json(null)).isSameAs(ColumnValue.NULL);
        assertThat(ColumnValue.NULL).isEqualTo(new ColumnValue.NullValue());
    }

    @Test
    void constructorsRejectJavaNull() {
        assertThatThrownBy(() -> new ColumnValue.TextValue(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text value is null: use ColumnValue.NULL for SQL NULL");
    }

    @Test
    void decimalsKeepTheirScale() {
        assertThat(ColumnValue.of(new BigDecimal("1.50"))).isNotEqualTo(ColumnValue.of(new BigDecimal("1.5")));
    }

    @Test
    void bytesAreCopiedAndComparedByContent() {
        byte[] raw = {1, 2, 3};
        ColumnValue.BytesValue value = new ColumnValue.BytesValue(raw);
        raw[0] = 9;
        assertThat(value.value()).containsExactly(1, 2, 3);
        value.value()[1] = 9;
        assertThat(value.value()).containsExactly(1, 2, 3);
        assertThat(value).isEqualTo(new ColumnValue.BytesValue(new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new ColumnValue.BytesValue(new byte[] {1, 2, 3}))
                .hasToString("BytesValue[3 bytes]");
    }

    @Test
    void floatsCompareNaNEqualAndSignedZerosDifferent() {
        assertThat(ColumnValue.of(Double.NaN)).isEqualTo(ColumnValue.of(Double.NaN));
        assertThat(ColumnValue.of(0.0d)).isNotEqualTo(ColumnValue.of(-0.0d));
    }

    @Test
    void timestampsMustBeWholeMicroseconds() {
        assertThatThrownBy(() -> ColumnValue.of(LocalDateTime.parse("2024-01-01T00:00:00.0000001")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timestamp value 2024-01-01T00:00:00.000000100 is finer than a microsecond;"
                        + " truncate it to microseconds");
        assertThatThrownBy(() -> ColumnValue.of(Instant.parse("2024-01-01T00:00:00.123456789Z")))
                .hasMessageStartingWith("timestamptz value 2024-01-01T00:00:00.123456789Z is finer");
        assertThatThrownBy(() -> ColumnValue.of(Instant.ofEpochSecond(Instant.MAX.getEpochSecond())))
                .hasMessageContaining("is out of range");
    }

    @Test
    void epochMicrosRoundTripBeforeAndAfter1970() {
        for (long micros : new long[] {0, 1, -1, -1_000_001, 1_709_210_096_123_456L, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThat(ColumnValue.TimestampValue.ofEpochMicros(micros).epochMicros()).isEqualTo(micros);
            assertThat(ColumnValue.TimestampTzValue.ofEpochMicros(micros).epochMicros()).isEqualTo(micros);
        }
        assertThat(ColumnValue.TimestampValue.ofEpochMicros(-1).value())
                .isEqualTo(LocalDateTime.parse("1969-12-31T23:59:59.999999"));
    }

    @Test
    void timeOfDayIsWithinOneDayIncluding24() {
        assertThat(ColumnValue.of(LocalTime.parse("12:00:00.000001")))
                .isEqualTo(new ColumnValue.TimeValue(43_200_000_001L));
        assertThat(new ColumnValue.TimeValue(ColumnValue.MICROS_PER_DAY).microsOfDay()).isEqualTo(86_400_000_000L);
        assertThatThrownBy(() -> new ColumnValue.TimeValue(-1))
                .hasMessage("time value was -1 microseconds after midnight, must be between 0 and 86400000000");
        assertThatThrownBy(() -> ColumnValue.of(LocalTime.parse("12:00:00.0000001")))
                .hasMessageContaining("finer than a microsecond");
    }

    @Test
    void datesMustFitIntDays() {
        assertThat(((ColumnValue.DateValue) ColumnValue.of(LocalDate.EPOCH)).epochDay()).isZero();
        assertThatThrownBy(() -> ColumnValue.of(LocalDate.MAX)).hasMessageContaining("is out of range");
    }

    @Test
    void textWithAnUnpairedSurrogateIsRefused() {
        assertThat(ColumnValue.of("ok 🚀")).isInstanceOf(ColumnValue.TextValue.class);
        assertThatThrownBy(() -> ColumnValue.of("bad \uD83D"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text value has an unpaired UTF-16 surrogate at index 4; it has no UTF-8 form and"
                        + " cannot be replicated");
        assertThatThrownBy(() -> ColumnValue.json("\uDE00")).hasMessageStartingWith("json value has an unpaired");
    }
}
