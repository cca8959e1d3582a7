package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.SqlIdentifiers;
import io.syncline.core.site.TableShape;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upsert and delete statements of one table and the binding of typed column values to them.
 * Every value is bound with its own JDBC type and cast to the column's type without a length
 * modifier, so a value that does not fit is rejected by the database, never truncated.
 */
final class PostgresRowStatements implements RowStatements {

    private final TableShape shape;
    private final String delete;
    private final Map<List<String>, String> upserts = new ConcurrentHashMap<>();

    PostgresRowStatements(TableShape shape) {
        this.shape = shape;
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(shape.table().quoted()).append(" WHERE ");
        for (int i = 0; i < shape.keyColumns().size(); i++) {
            String column = shape.keyColumns().get(i);
            if (i > 0) {
                sql.append(" AND ");
            }
            sql.append(SqlIdentifiers.quote(column)).append(" = ").append(placeholder(column));
        }
        this.delete = sql.toString();
    }

    @Override
    public TableShape shape() {
        return shape;
    }

    @Override
    public String deleteSql() {
        return delete;
    }

    @Override
    public String sqlFor(ChangeEvent e) {
        if (e.op() == ChangeEvent.Op.DELETE) {
            return delete;
        }
        return upserts.computeIfAbsent(List.copyOf(e.columns().keySet()), this::upsert);
    }

    private String upsert(List<String> columns) {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        List<String> updates = new ArrayList<>();
        for (String column : columns) {
            if (names.length() > 0) {
                names.append(", ");
                values.append(", ");
            }
            names.append(SqlIdentifiers.quote(column));
            values.append(placeholder(column));
            if (!shape.keyColumns().contains(column)) {
                updates.add(SqlIdentifiers.quote(column) + " = EXCLUDED." + SqlIdentifiers.quote(column));
            }
        }
        StringBuilder key = new StringBuilder();
        for (String column : shape.keyColumns()) {
            if (key.length() > 0) {
                key.append(", ");
            }
            key.append(SqlIdentifiers.quote(column));
        }
        return "INSERT INTO " + shape.table().quoted() + " (" + names + ") VALUES (" + values + ") ON CONFLICT ("
                + key + ") " + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    }

    private String placeholder(String column) {
        TableShape.ColumnType type = shape.column(column);
        if (type == null) {
            throw new SiteSetupException("column " + column + " of table " + shape.table()
                    + " does not exist at this site; add it (the same schema at every site) and restart the task");
        }
        if ("bpchar".equals(type.typeName())) {
            // "character" without a length is character(1): the cast would cut the value to one
            // character. As varchar, the assignment to char(n) refuses a value that is too long.
            return "CAST(? AS varchar)";
        }
        return "CAST(? AS " + type.sqlType() + ")";
    }

    @Override
    public void bindColumn(PreparedStatement ps, int index, String column, ColumnValue value) throws SQLException {
        bindValue(ps, index, value);
    }

    static void bindValue(PreparedStatement ps, int index, ColumnValue value) throws SQLException {
        if (value instanceof ColumnValue.TimestampTzValue v) {
            ps.setObject(index, OffsetDateTime.ofInstant(v.value(), ZoneOffset.UTC));
        } else if (value instanceof ColumnValue.UuidValue v) {
            ps.setObject(index, v.value());
        } else {
            ColumnBinding.bind(ps, index, value);
        }
    }
}
