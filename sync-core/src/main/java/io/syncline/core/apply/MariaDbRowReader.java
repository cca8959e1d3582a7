package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import io.syncline.core.site.KeyText;
import io.syncline.core.site.MariaDbCatalog;
import io.syncline.core.site.TableShape;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads a row's current values at a MariaDB site as typed column values (for conflict resolution). */
final class MariaDbRowReader {

    private MariaDbRowReader() {
    }

    static Optional<Map<String, ColumnValue>> read(Connection c, TableShape shape, List<ColumnValue> key)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", selectList(shape))).append(" FROM ")
                .append(MariaDbCatalog.quote(shape.table())).append(" WHERE ");
        for (int i = 0; i < shape.keyColumns().size(); i++) {
            sql.append(i > 0 ? " AND " : "").append(MariaDbCatalog.quote(shape.keyColumns().get(i))).append(" = ?");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < key.size(); i++) {
                String column = shape.keyColumns().get(i);
                MariaDbRowStatements.bindValue(ps, i + 1, column, shape.column(column), key.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, ColumnValue> row = new LinkedHashMap<>();
                for (Map.Entry<String, TableShape.ColumnType> column : shape.columns().entrySet()) {
                    row.put(column.getKey(), value(rs, column.getKey(), column.getValue()));
                }
                return Optional.of(row);
            }
        }
    }

    /**
     * The rows whose {@code columns} equal {@code values} (none where a value is NULL), each with its key
     * text computed as the capture triggers compute it ({@code CAST(column AS CHAR)} per key column).
     */
    static List<KeyedRow> readWhere(Connection c, TableShape shape, List<String> columns, List<ColumnValue> values)
            throws SQLException {
        List<String> select = new ArrayList<>();
        for (String column : shape.keyColumns()) {
            select.add("CAST(" + MariaDbCatalog.quote(column) + " AS CHAR)");
        }
        select.addAll(selectList(shape));
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM ")
                .append(MariaDbCatalog.quote(shape.table())).append(" WHERE ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? " AND " : "").append(MariaDbCatalog.quote(columns.get(i))).append(" = ?");
        }
        List<KeyedRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                String column = columns.get(i);
                MariaDbRowStatements.bindValue(ps, i + 1, column, shape.column(column), values.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> parts = new ArrayList<>();
                    for (int i = 1; i <= shape.keyColumns().size(); i++) {
                        parts.add(rs.getString(i));
                    }
                    Map<String, ColumnValue> row = new LinkedHashMap<>();
                    for (Map.Entry<String, TableShape.ColumnType> column : shape.columns().entrySet()) {
                        row.put(column.getKey(), value(rs, column.getKey(), column.getValue()));
                    }
                    rows.add(new KeyedRow(KeyText.of(parts), row));
                }
            }
        }
        return rows;
    }

    /** Every column, a FLOAT as a DOUBLE: the text protocol prints a FLOAT with 6 digits, the DOUBLE is exact. */
    private static List<String> selectList(TableShape shape) {
        List<String> select = new ArrayList<>();
        for (Map.Entry<String, TableShape.ColumnType> column : shape.columns().entrySet()) {
            String quoted = MariaDbCatalog.quote(column.getKey());
            select.add("float".equals(column.getValue().typeName()) ? "CAST(" + quoted + " AS DOUBLE) AS " + quoted
                    : quoted);
        }
        return select;
    }

    private static ColumnValue value(ResultSet rs, String column, TableShape.ColumnType type) throws SQLException {
        Object raw = rs.getObject(column);
        if (raw == null) {
            return ColumnValue.NULL;
        }
        return switch (type.typeName()) {
            case "tinyint", "smallint", "mediumint", "int", "year" -> new ColumnValue.IntegerValue(rs.getLong(column));
            case "bigint" -> {
                BigDecimal d = rs.getBigDecimal(column);
                yield d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? new ColumnValue.DecimalValue(d)
                        : new ColumnValue.IntegerValue(d.longValueExact());
            }
            case "decimal" -> new ColumnValue.DecimalValue(rs.getBigDecimal(column));
            case "float" -> new ColumnValue.FloatValue((float) rs.getDouble(column));
            case "double" -> new ColumnValue.FloatValue(rs.getDouble(column));
            case "bool" -> new ColumnValue.BooleanValue(rs.getBoolean(column));
            case "blob", "tinyblob", "mediumblob", "longblob", "binary", "varbinary" ->
                    new ColumnValue.BytesValue(rs.getBytes(column));
            case "date" -> new ColumnValue.DateValue(rs.getObject(column, LocalDate.class));
            case "time" -> ColumnValue.TimeValue.of(rs.getObject(column, LocalTime.class));
            case "datetime" -> new ColumnValue.TimestampValue(rs.getObject(column, LocalDateTime.class));
            case "timestamp" -> new ColumnValue.TimestampTzValue(
                    rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC));
            case "uuid" -> new ColumnValue.UuidValue(UUID.fromString(rs.getString(column)));
            case "json" -> new ColumnValue.JsonValue(rs.getString(column));
            default -> new ColumnValue.TextValue(rs.getString(column));
        };
    }
}
