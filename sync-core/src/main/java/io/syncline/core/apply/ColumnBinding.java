package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalTime;

/**
 * Binds a typed column value with its own JDBC type, the way every engine takes it. Instants with a
 * zone and UUIDs differ between engines; each dialect binds those itself before falling back here.
 */
final class ColumnBinding {

    private ColumnBinding() {
    }

    static void bind(PreparedStatement ps, int index, ColumnValue value) throws SQLException {
        if (value instanceof ColumnValue.NullValue) {
            ps.setObject(index, null);
        } else if (value instanceof ColumnValue.IntegerValue v) {
            ps.setLong(index, v.value());
        } else if (value instanceof ColumnValue.DecimalValue v) {
            ps.setBigDecimal(index, v.value());
        } else if (value instanceof ColumnValue.FloatValue v) {
            ps.setDouble(index, v.value());
        } else if (value instanceof ColumnValue.BooleanValue v) {
            ps.setBoolean(index, v.value());
        } else if (value instanceof ColumnValue.TextValue v) {
            ps.setString(index, v.value());
        } else if (value instanceof ColumnValue.BytesValue v) {
            ps.setBytes(index, v.value());
        } else if (value instanceof ColumnValue.DateValue v) {
            ps.setObject(index, v.value());
        } else if (value instanceof ColumnValue.TimeValue v) {
            ps.setObject(index, LocalTime.ofNanoOfDay(v.microsOfDay() * 1000L));
        } else if (value instanceof ColumnValue.TimestampValue v) {
            ps.setObject(index, v.value());
        } else if (value instanceof ColumnValue.JsonValue v) {
            ps.setString(index, v.value());
        } else {
            // Zoned instants and UUIDs never get here: each dialect binds those itself.
            throw new IllegalArgumentException("unknown column value kind " + value.getClass().getSimpleName());
        }
    }
}
