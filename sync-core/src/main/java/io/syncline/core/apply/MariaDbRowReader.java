package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
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
        // A FLOAT is read as a DOUBLE: the text protocol prints it with 6 digits, the DOUBLE is exact.
        List<String> select = new ArrayList<>();
        for (Map.Entry<String, TableShape.ColumnType> column : shape.columns().entrySet()) {
            String quoted = MariaDbCatalog.quote(column.getKey());
            select.add("float".equals(column.getValue().typeName()) ? "CAST(" + quoted + " AS DOUBLE) AS " + quoted
                    : quoted);
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM ")
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
