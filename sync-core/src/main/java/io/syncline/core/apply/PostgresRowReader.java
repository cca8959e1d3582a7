package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import io.syncline.core.site.KeyText;
import io.syncline.core.site.SqlIdentifiers;
import io.syncline.core.site.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads a row's current values at a site as typed column values (for conflict resolution). */
final class PostgresRowReader {

    private PostgresRowReader() {
    }

    static Optional<Map<String, ColumnValue>> read(Connection c, TableShape shape, List<ColumnValue> key)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(shape.table().quoted()).append(" WHERE ");
        for (int i = 0; i < shape.keyColumns().size(); i++) {
            String column = shape.keyColumns().get(i);
            if (i > 0) {
                sql.append(" AND ");
            }
            sql.append(SqlIdentifiers.quote(column)).append(" = CAST(? AS ")
                    .append(shape.column(column).sqlType()).append(')');
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < key.size(); i++) {
                PostgresRowStatements.bindValue(ps, i + 1, key.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, ColumnValue> row = new LinkedHashMap<>();
                for (Map.Entry<String, TableShape.ColumnType> column : shape.columns().entrySet()) {
                    row.put(column.getKey(), value(rs, column.getKey(), column.getValue().typeName()));
                }
                return Optional.of(row);
            }
        }
    }

    /**
     * The rows whose {@code columns} equal {@code values} (none where a value is NULL), each with its key
     * text computed as the capture trigger computes it ({@code to_jsonb(row) ->> column} per key column).
     */
    static List<KeyedRow> readWhere(Connection c, TableShape shape, List<String> columns, List<ColumnValue> values)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String column : shape.keyColumns()) {
            sql.append("to_jsonb(t) ->> '").append(column.replace("'", "''")).append("', ");
        }
        sql.append("t.* FROM ").append(shape.table().quoted()).append(" t WHERE ");
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            sql.append(i > 0 ? " AND " : "").append("t.").append(SqlIdentifiers.quote(column)).append(" = CAST(? AS ")
                    .append(shape.column(column).sqlType()).append(')');
        }
        List<KeyedRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                PostgresRowStatements.bindValue(ps, i + 1, values.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> parts = new ArrayList<>();
                    for (int i = 1; i <= shape.keyColumns().size(); i++) {
                        parts.add(rs.getString(i));
                    }
                    Map<String, ColumnValue> row = new LinkedHashMap<>();
                    for (Map.Entry<String, TableShape.ColumnType> column : shape.columns().entrySet()) {
                        row.put(column.getKey(), value(rs, column.getKey(), column.getValue().typeName()));
                    }
                    rows.add(new KeyedRow(KeyText.of(parts), row));
                }
            }
        }
        return rows;
    }

    private static ColumnValue value(ResultSet rs, String column, String type) throws SQLException {
        Object raw = rs.getObject(column);
        if (raw == null) {
            return ColumnValue.NULL;
        }
        return switch (type) {
            case "int2", "int4", "int8" -> new ColumnValue.IntegerValue(rs.getLong(column));
            case "numeric" -> new ColumnValue.DecimalValue(rs.getBigDecimal(column));
            case "float4", "float8" -> new ColumnValue.FloatValue(rs.getDouble(column));
            case "bool" -> new ColumnValue.BooleanValue(rs.getBoolean(column));
            case "bytea" -> new ColumnValue.BytesValue(rs.getBytes(column));
            case "date" -> new ColumnValue.DateValue(rs.getObject(column, LocalDate.class));
            case "time" -> ColumnValue.TimeValue.of(rs.getObject(column, LocalTime.class));
            case "timestamp" -> new ColumnValue.TimestampValue(rs.getObject(column, LocalDateTime.class));
            case "timestamptz" -> new ColumnValue.TimestampTzValue(rs.getObject(column, OffsetDateTime.class).toInstant());
            case "uuid" -> new ColumnValue.UuidValue((UUID) raw);
            case "json", "jsonb" -> new ColumnValue.JsonValue(rs.getString(column));
            default -> new ColumnValue.TextValue(rs.getString(column));
        };
    }
}
