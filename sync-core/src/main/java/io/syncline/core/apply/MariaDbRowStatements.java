package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.site.KeyText;
import io.syncline.core.site.MariaDbCatalog;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.TableShape;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upsert (an UPDATE by primary key of the rows that exist, an INSERT of the others; see {@link #write})
 * and delete statements of one MariaDB table. Before binding, every value is checked against its column where MariaDB would round
 * instead of refusing (decimal scale, fractional seconds); in strict mode the server refuses the
 * rest (a too-long string, an out-of-range number or date, a character outside the charset).
 */
final class MariaDbRowStatements implements RowStatements {

    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\).*");
    private static final Pattern FRACTION = Pattern.compile("(?:datetime|timestamp|time)\\((\\d)\\).*");

    private final TableShape shape;
    private final String delete;
    private final Map<List<String>, Upsert> upserts = new ConcurrentHashMap<>();
    private final Map<String, Upsert> byInsert = new ConcurrentHashMap<>();

    MariaDbRowStatements(TableShape shape) {
        this.shape = shape;
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(MariaDbCatalog.quote(shape.table()))
                .append(" WHERE ");
        for (int i = 0; i < shape.keyColumns().size(); i++) {
            sql.append(i > 0 ? " AND " : "").append(MariaDbCatalog.quote(shape.keyColumns().get(i))).append(" = ?");
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
        return upserts.computeIfAbsent(List.copyOf(e.columns().keySet()), this::upsert).insert();
    }

    /** Keys per existence query: one parameter per key column each, far below the protocol's limit. */
    private static final int EXISTING_CHUNK = 500;

    /**
     * The upsert of a column set: its INSERT text, which {@link #sqlFor} returns and batches group by, and
     * the UPDATE by primary key for the rows that exist (null when every column is a key column).
     */
    private record Upsert(String update, List<String> updated, String insert) {
    }

    /**
     * Not {@code INSERT ... ON DUPLICATE KEY UPDATE}, which also matches a row on any other unique key
     * and would overwrite that row: the rows whose primary key exists are updated by their key, the
     * others inserted (see {@link #write}). A collision on another unique key is refused (error 1062).
     */
    private Upsert upsert(List<String> columns) {
        List<String> names = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (String column : columns) {
            if (shape.column(column) == null) {
                throw new SiteSetupException("column " + column + " of table " + shape.table()
                        + " does not exist at this site; add it (the same schema at every site) and restart the task");
            }
            String quoted = MariaDbCatalog.quote(column);
            names.add(quoted);
            if (!shape.keyColumns().contains(column)) {
                updated.add(column);
                sets.add(quoted + " = ?");
            }
        }
        StringBuilder byKey = new StringBuilder();
        for (int i = 0; i < shape.keyColumns().size(); i++) {
            byKey.append(i > 0 ? " AND " : "").append(MariaDbCatalog.quote(shape.keyColumns().get(i))).append(" = ?");
        }
        String table = MariaDbCatalog.quote(shape.table());
        String update = sets.isEmpty() ? null
                : "UPDATE " + table + " SET " + String.join(", ", sets) + " WHERE " + byKey;
        String insert = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                + String.join(", ", Collections.nCopies(names.size(), "?")) + ")";
        Upsert upsert = new Upsert(update, List.copyOf(updated), insert);
        byInsert.put(insert, upsert);
        return upsert;
    }

    /**
     * Upserts by primary key only: reads which of the rows' keys exist, locking them and the gaps of the
     * missing ones ({@code SELECT ... FOR UPDATE}), then updates those by key and inserts the others, one
     * JDBC batch each. It does not count on the batch's update counts, which depend on the driver's
     * settings (found or affected rows, none from a bulk batch).
     */
    @Override
    public void write(Connection connection, String sql, List<ChangeEvent> changes) throws SQLException {
        Upsert upsert = byInsert.get(sql);
        if (upsert == null) {
            RowStatements.super.write(connection, sql, changes);
            return;
        }
        Set<String> existing = existingKeys(connection, changes);
        List<ChangeEvent> updates = new ArrayList<>();
        List<ChangeEvent> inserts = new ArrayList<>();
        for (ChangeEvent e : changes) {
            (existing.contains(e.key()) ? updates : inserts).add(e);
        }
        if (upsert.update() != null && !updates.isEmpty()) {
            try (PreparedStatement ps = connection.prepareStatement(upsert.update())) {
                for (ChangeEvent e : updates) {
                    int i = 1;
                    for (String column : upsert.updated()) {
                        bindColumn(ps, i++, column, e.columns().get(column));
                    }
                    bindKey(ps, i, e);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!inserts.isEmpty()) {
            RowStatements.super.write(connection, sql, inserts);
        }
    }

    /** The canonical key texts (as the capture triggers compute them) of the changes' rows that exist, locked. */
    private Set<String> existingKeys(Connection connection, List<ChangeEvent> changes) throws SQLException {
        List<String> key = new ArrayList<>();
        List<String> select = new ArrayList<>();
        for (String column : shape.keyColumns()) {
            key.add(MariaDbCatalog.quote(column));
            select.add("CAST(" + MariaDbCatalog.quote(column) + " AS CHAR)");
        }
        String tuple = key.size() == 1 ? key.get(0) : "(" + String.join(", ", key) + ")";
        String placeholders = key.size() == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(key.size(), "?")) + ")";
        Set<String> existing = new HashSet<>();
        for (int from = 0; from < changes.size(); from += EXISTING_CHUNK) {
            List<ChangeEvent> chunk = changes.subList(from, Math.min(changes.size(), from + EXISTING_CHUNK));
            String query = "SELECT " + String.join(", ", select) + " FROM " + MariaDbCatalog.quote(shape.table())
                    + " WHERE " + tuple + " IN (" + String.join(", ", Collections.nCopies(chunk.size(), placeholders))
                    + ") FOR UPDATE";
            try (PreparedStatement ps = connection.prepareStatement(query)) {
                int i = 1;
                for (ChangeEvent e : chunk) {
                    bindKey(ps, i, e);
                    i += key.size();
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> parts = new ArrayList<>();
                        for (int c = 1; c <= key.size(); c++) {
                            parts.add(rs.getString(c));
                        }
                        existing.add(KeyText.of(parts));
                    }
                }
            }
        }
        return existing;
    }

    private void bindKey(PreparedStatement ps, int from, ChangeEvent e) throws SQLException {
        int i = from;
        for (String column : shape.keyColumns()) {
            ColumnValue value = e.columns().get(column);
            if (value == null) {
                throw new SiteSetupException("upsert of " + e.table() + " key " + e.key()
                        + " does not carry key column " + column);
            }
            bindColumn(ps, i++, column, value);
        }
    }

    @Override
    public void bindColumn(PreparedStatement ps, int index, String column, ColumnValue value) throws SQLException {
        bindValue(ps, index, column, shape.column(column), value);
    }

    static void bindValue(PreparedStatement ps, int index, String column, TableShape.ColumnType type,
            ColumnValue value) throws SQLException {
        String sqlType = type == null ? "" : type.sqlType();
        if (value instanceof ColumnValue.DecimalValue v) {
            ps.setBigDecimal(index, checkDecimal(column, sqlType, v.value()));
        } else if (value instanceof ColumnValue.TimeValue v) {
            checkFraction(column, sqlType, v.microsOfDay() % 1_000_000L * 1000L);
            ps.setObject(index, LocalTime.ofNanoOfDay(v.microsOfDay() * 1000L));
        } else if (value instanceof ColumnValue.TimestampValue v) {
            checkFraction(column, sqlType, v.value().getNano());
            ps.setObject(index, v.value());
        } else if (value instanceof ColumnValue.TimestampTzValue v) {
            // The session applies in UTC: a TIMESTAMP column stores the instant, a DATETIME its UTC time.
            checkFraction(column, sqlType, v.value().getNano());
            ps.setObject(index, LocalDateTime.ofInstant(v.value(), ZoneOffset.UTC));
        } else if (value instanceof ColumnValue.UuidValue v) {
            ps.setString(index, v.value().toString());
        } else {
            ColumnBinding.bind(ps, index, value);
        }
    }

    /** MariaDB rounds extra fractional digits of a decimal even in strict mode: refuse instead. */
    private static BigDecimal checkDecimal(String column, String sqlType, BigDecimal value) throws SQLException {
        Matcher m = DECIMAL.matcher(sqlType);
        if (!m.matches()) {
            return value;
        }
        int precision = Integer.parseInt(m.group(1));
        int scale = Integer.parseInt(m.group(2));
        BigDecimal exact = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        if (exact.scale() > scale) {
            throw new ValueRefusal(column, "the value has " + exact.scale() + " fractional digits, the column "
                    + sqlType + " keeps " + scale + "; it would be rounded");
        }
        if (exact.precision() - exact.scale() > precision - scale) {
            throw new ValueRefusal(column, "the value has " + (exact.precision() - exact.scale())
                    + " integer digits, the column " + sqlType + " keeps " + (precision - scale));
        }
        if (sqlType.contains("unsigned") && value.signum() < 0) {
            throw new ValueRefusal(column, "a negative value does not fit the unsigned column " + sqlType);
        }
        return value;
    }

    /** MariaDB rounds fractional seconds beyond the column's precision: refuse instead. */
    private static void checkFraction(String column, String sqlType, long nanos) throws SQLException {
        if (!sqlType.startsWith("datetime") && !sqlType.startsWith("timestamp") && !sqlType.startsWith("time")) {
            return;
        }
        Matcher m = FRACTION.matcher(sqlType);
        int digits = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        long unit = (long) Math.pow(10, 9 - digits);
        if (nanos % unit != 0) {
            throw new ValueRefusal(column, "the value has fractional seconds finer than the column " + sqlType
                    + " keeps (" + digits + " digits); they would be rounded");
        }
    }
}
