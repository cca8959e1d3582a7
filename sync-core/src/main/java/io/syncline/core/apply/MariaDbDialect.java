package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import io.syncline.core.RowId;
import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.MariaDbCatalog;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import io.syncline.core.site.UniqueKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * MariaDB (and MySQL-compatible servers): the {@code syncline} database, backticks, INSERT ... ON
 * DUPLICATE KEY UPDATE on Syncline's own tables (never on synced ones, where it would match any unique
 * key: see {@code MariaDbRowStatements}), SELECT ... FOR UPDATE, and the session variable
 * {@code @syncline_applying} that tells the capture triggers a write is Syncline's. Sessions apply in UTC.
 */
final class MariaDbDialect implements Dialect {

    static final MariaDbDialect INSTANCE = new MariaDbDialect();

    /** Ids per lock statement: two parameters each, far below the protocol's limit. */
    private static final int LOCK_CHUNK = 500;

    /** Errors where the data, not the server, is at fault (strict mode turns truncation into these). */
    private static final Set<Integer> REFUSALS = Set.of(1048, 1062, 1264, 1265, 1292, 1366, 1367, 1406, 1416, 1451,
            1452, 1690, 3140, 4025, 4078);

    /**
     * Foreign-key refusals: a child row without its parent (1452, and 1216 from older servers) and the
     * deletion or key change of a parent that child rows reference (1451, and 1217).
     */
    private static final Set<Integer> FOREIGN_KEY_ERRORS = Set.of(1216, 1217, 1451, 1452);

    /** Duplicate values of a unique key: 1062 (duplicate entry) and 1586 (the same, naming the key). */
    private static final Set<Integer> UNIQUE_ERRORS = Set.of(1062, 1586);

    /**
     * Errors a retry can fix: lock wait timeout (1205), deadlock (1213, SQLSTATE 40001), a row changed
     * since this transaction read it under snapshot isolation (1020), the connection killed (1927),
     * the server shutting down (1053), too many connections (1040), out of resources (1041, 1135),
     * too many concurrent transactions (1637), and the client's server gone / connection lost (2006,
     * 2013).
     */
    private static final Set<Integer> TRANSIENT = Set.of(1020, 1040, 1041, 1053, 1135, 1205, 1213, 1637, 1927,
            2006, 2013);

    /**
     * Errors of a statement built for an older table shape: unknown column (1054, SQLSTATE 42S22),
     * unknown table (1146, 42S02), a table definition changed under the transaction (1412), and a
     * prepared statement that needs to be prepared again (1615).
     */
    private static final Set<Integer> STALE_SHAPE = Set.of(1054, 1146, 1412, 1615);

    /** Quoted text in a server message that is not the name of a column, key, table or constraint. */
    private static final Pattern VALUE_IN_MESSAGE =
            Pattern.compile("(?<!column |key |table |constraint |for key )'[^']*'");

    private MariaDbDialect() {
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String quote(String identifier) {
        return MariaDbCatalog.quote(identifier);
    }

    /**
     * Nothing so far. PostgreSQL sites end a transaction a paused task left idle past its lease;
     * MariaDB's {@code idle_write_transaction_timeout} could do the same (in whole seconds) but is
     * not set, so such a task's row locks last until it wakes, and the new lease holder's claim
     * waits for them (a lock wait timeout there is transient, so it retries).
     */
    @Override
    public void prepareLeaseSession(Connection connection, Duration leaseTtl) {
        // Deliberately empty; see above.
    }

    @Override
    public void markApplying(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET @syncline_applying = 1, time_zone = '+00:00'");
        }
    }

    /**
     * InnoDB rolls back the smaller transaction of a deadlock, which is the application's, so the
     * apply never waits for a lock at all: {@code innodb_lock_wait_timeout = 0} makes any wait fail at
     * once (1205), and the batch is retried; READ COMMITTED spares it gap locks. Both are settings of
     * the session, which only applies batches.
     */
    @Override
    public void yieldToApplications(Connection connection) throws SQLException {
        if (connection.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        try (Statement st = connection.createStatement()) {
            st.execute("SET innodb_lock_wait_timeout = 0");
        }
    }

    @Override
    public void lockRows(Connection connection, TableShape shape, List<List<ColumnValue>> keys) throws SQLException {
        List<String> columns = shape.keyColumns();
        StringBuilder tuple = new StringBuilder("(");
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            tuple.append(i > 0 ? ", " : "").append('?');
            order.append(i > 0 ? ", " : "").append(MariaDbCatalog.quote(columns.get(i)));
        }
        tuple.append(')');
        for (int from = 0; from < keys.size(); from += LOCK_CHUNK) {
            List<List<ColumnValue>> chunk = keys.subList(from, Math.min(keys.size(), from + LOCK_CHUNK));
            StringBuilder sql = new StringBuilder("SELECT 1 FROM ").append(MariaDbCatalog.quote(shape.table()))
                    .append(" WHERE (").append(order).append(") IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i > 0 ? ", " : "").append(tuple);
            }
            sql.append(") ORDER BY ").append(order).append(" FOR UPDATE");
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                int index = 1;
                for (List<ColumnValue> key : chunk) {
                    for (int i = 0; i < columns.size(); i++) {
                        String column = columns.get(i);
                        MariaDbRowStatements.bindValue(ps, index++, column, shape.column(column), key.get(i));
                    }
                }
                ps.executeQuery().close();
            }
        }
    }

    /** Lock wait timeout or refused (1205), deadlock (1213), record changed since read (1020), SQLSTATE 40001. */
    @Override
    public boolean isLockContention(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            int code = next.getErrorCode();
            if (code == 1205 || code == 1213 || code == 1020 || "40001".equals(next.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void lockMeta(Connection connection, List<RowId> ids, Consumer<MetaEntry> locked) throws SQLException {
        List<RowId> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparing(RowId::table).thenComparing(RowId::key));
        for (int from = 0; from < sorted.size(); from += LOCK_CHUNK) {
            List<RowId> chunk = sorted.subList(from, Math.min(sorted.size(), from + LOCK_CHUNK));
            // A placeholder entry first, so that a row no site has written yet is locked too.
            try (PreparedStatement ps = connection.prepareStatement(RowMetaTable.mariaDbLockPlaceholders(chunk.size()))) {
                bindIds(ps, chunk);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = connection.prepareStatement(RowMetaTable.mariaDbLock(chunk.size()))) {
                bindIds(ps, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        locked.accept(MetaEntry.read(rs));
                    }
                }
            }
        }
    }

    private static void bindIds(PreparedStatement ps, List<RowId> ids) throws SQLException {
        int i = 1;
        for (RowId id : ids) {
            ps.setString(i++, id.table());
            ps.setString(i++, id.key());
        }
    }

    @Override
    public String writeMetaSql() {
        return RowMetaTable.MARIADB_WRITE;
    }

    @Override
    public String conflictSql() {
        return ConflictsTable.MARIADB_INSERT;
    }

    @Override
    public boolean storeOffset(Connection connection, OffsetUpdate o) throws SQLException {
        if (heldByNewer(connection, o.consumer(), o.topic(), o.partition(), o.epoch())) {
            return false;
        }
        try (PreparedStatement ps = connection.prepareStatement(OffsetsTable.MARIADB_STORE)) {
            ps.setString(1, o.consumer());
            ps.setString(2, o.topic());
            ps.setInt(3, o.partition());
            ps.setLong(4, o.nextOffset());
            ps.setLong(5, o.epoch());
            ps.executeUpdate();
            return true;
        }
    }

    @Override
    public boolean claimEpoch(Connection connection, String consumer, String topic, int partition, long epoch)
            throws SQLException {
        if (heldByNewer(connection, consumer, topic, partition, epoch)) {
            return false;
        }
        try (PreparedStatement ps = connection.prepareStatement(OffsetsTable.MARIADB_CLAIM)) {
            ps.setString(1, consumer);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            ps.setLong(4, epoch);
            ps.executeUpdate();
            return true;
        }
    }

    /** Locks the partition's offsets row and tells whether a newer epoch holds it. */
    private static boolean heldByNewer(Connection connection, String consumer, String topic, int partition,
            long epoch) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(OffsetsTable.MARIADB_HELD_EPOCH)) {
            ps.setString(1, consumer);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > epoch;
            }
        }
    }

    @Override
    public Optional<TableShape> describe(Connection connection, TableRef table) throws SQLException {
        return MariaDbCatalog.describe(connection, table);
    }

    /**
     * None: MariaDB sites keep no record of the columns a table had, so a column dropped here and
     * still carried by another site's change makes that change wait as if the column were new.
     */
    @Override
    public Set<String> droppedColumns(Connection connection, TableShape shape) {
        return Set.of();
    }

    @Override
    public RowStatements rowStatements(TableShape shape) {
        return new MariaDbRowStatements(shape);
    }

    @Override
    public Optional<Map<String, ColumnValue>> readRow(Connection connection, TableShape shape, List<ColumnValue> key)
            throws SQLException {
        return MariaDbRowReader.read(connection, shape, key);
    }

    @Override
    public List<KeyedRow> readRowsWhere(Connection connection, TableShape shape, List<String> columns,
            List<ColumnValue> values) throws SQLException {
        return MariaDbRowReader.readWhere(connection, shape, columns, values);
    }

    @Override
    public List<ForeignKey> foreignKeys(Connection connection, TableRef table) throws SQLException {
        return MariaDbCatalog.foreignKeys(connection, table);
    }

    /**
     * See {@link #FOREIGN_KEY_ERRORS} (all with SQLSTATE 23000, which other constraints share); a batch's
     * failure may carry the server's error as its next exception or its cause.
     */
    @Override
    public boolean isForeignKeyViolation(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            for (Throwable t = next; t != null; t = t.getCause()) {
                if (t instanceof SQLException s && FOREIGN_KEY_ERRORS.contains(s.getErrorCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public List<UniqueKey> uniqueKeys(Connection connection, TableRef table) throws SQLException {
        return MariaDbCatalog.uniqueKeys(connection, table);
    }

    /**
     * See {@link #UNIQUE_ERRORS} (SQLSTATE 23000, which other constraints share), found as
     * {@link #isForeignKeyViolation} finds its errors.
     */
    @Override
    public boolean isUniqueViolation(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            for (Throwable t = next; t != null; t = t.getCause()) {
                if (t instanceof SQLException s && UNIQUE_ERRORS.contains(s.getErrorCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean isRefusal(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state != null && (state.startsWith("23") || state.startsWith("22"))) {
                return true;
            }
            if (REFUSALS.contains(next.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLSTATE, the server's error code and its message with every quoted value blanked (names
     * of columns, keys and tables stay), so a row's values never reach a log or a dead letter.
     */
    @Override
    public String reasonOf(SQLException e) {
        SQLException cause = e;
        while (cause.getNextException() != null) {
            cause = cause.getNextException();
        }
        String message = cause.getMessage() == null ? "the database refused the change" : cause.getMessage();
        // The driver prefixes "(conn=12) " and may append the query after a newline.
        message = message.replaceFirst("^\\(conn=\\d+\\)\\s*", "");
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (!(cause instanceof ValueRefusal)) {
            message = VALUE_IN_MESSAGE.matcher(message).replaceAll("'?'");
        }
        return "SQLSTATE " + cause.getSQLState() + (cause.getErrorCode() == 0 ? "" : " (error " + cause.getErrorCode()
                + ")") + ": " + message;
    }

    /** See {@link #TRANSIENT}; also every connection exception (SQLSTATE 08), and no SQLSTATE at all. */
    @Override
    public boolean isTransient(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state == null || state.startsWith("08") || state.equals("40001")
                    || TRANSIENT.contains(next.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    /** See {@link #STALE_SHAPE}; also SQLSTATE 42S22 and 42S02 from MySQL-compatible servers. */
    @Override
    public boolean isStaleShape(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if ("42S22".equals(state) || "42S02".equals(state) || STALE_SHAPE.contains(next.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    /** 1045 (access denied: user or password) and 1044 (no access to the database); 1049 (unknown database). */
    @Override
    public ConnectionRefusal connectionRefusal(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if (next.getErrorCode() == 1045 || next.getErrorCode() == 1044 || "28000".equals(next.getSQLState())) {
                return ConnectionRefusal.CREDENTIALS;
            }
            if (next.getErrorCode() == 1049) {
                return ConnectionRefusal.DATABASE;
            }
        }
        return ConnectionRefusal.ADDRESS;
    }

    /** MariaDB's driver reads {@code connectTimeout} in milliseconds (whole seconds, at least one). */
    @Override
    public void addDriverProperties(Properties props, Duration connectTimeout) {
        long seconds = Math.max(1, connectTimeout.toSeconds());
        props.setProperty("connectTimeout", Long.toString(seconds * 1000));
        props.setProperty("loginTimeout", Long.toString(seconds));
    }
}
