package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import io.syncline.core.RowId;
import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.KnownColumns;
import io.syncline.core.site.PostgresCatalog;
import io.syncline.core.site.SqlIdentifiers;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import io.syncline.core.site.UniqueKey;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.util.PSQLException;

/** PostgreSQL: the {@code syncline} schema, arrays for the locked ids, ON CONFLICT upserts. */
final class PostgresDialect implements Dialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    /** See {@link #yieldToApplications}. */
    static final String LOCK_TIMEOUT = "100ms";

    /** See {@link #yieldToApplications}. */
    static final String DEADLOCK_TIMEOUT = "20ms";

    /** Keys per locking statement. */
    private static final int ROW_LOCK_CHUNK = 500;

    private PostgresDialect() {
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String quote(String identifier) {
        return SqlIdentifiers.quote(identifier);
    }

    /**
     * A task paused mid-batch (a zombie: SIGSTOP, a long GC, a frozen VM) must not hold the batch's
     * row locks past its lease: the new lease holder's epoch claim would wait for them as long as the
     * zombie stands still. The server ends a transaction idle that long; the zombie's batch is rolled
     * back and it finds its connection closed when it wakes (SQLSTATE 25P03, a transient failure).
     */
    @Override
    public void prepareLeaseSession(Connection connection, Duration leaseTtl) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET idle_in_transaction_session_timeout = " + leaseTtl.toMillis());
        }
    }

    @Override
    public void markApplying(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL syncline.applying = 'on'");
        }
    }

    /**
     * A lock wait of the apply ends after {@value #LOCK_TIMEOUT} (SQLSTATE 55P03), well before an
     * application's backend, waiting on the apply, runs its deadlock check (after
     * {@code deadlock_timeout}, 1 s by default); where the user may set it (a superuser), the apply's
     * own deadlock check runs after {@value #DEADLOCK_TIMEOUT}, so in a deadlock with an application it
     * is the apply's backend that finds it and is rolled back (40P01).
     */
    @Override
    public void yieldToApplications(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SELECT set_config('lock_timeout', '" + LOCK_TIMEOUT + "', true), (SELECT set_config("
                    + "'deadlock_timeout', '" + DEADLOCK_TIMEOUT + "', true) FROM pg_roles WHERE rolname = current_user "
                    + "AND rolsuper)");
        }
    }

    @Override
    public void lockRows(Connection connection, TableShape shape, List<List<ColumnValue>> keys) throws SQLException {
        List<String> columns = shape.keyColumns();
        StringBuilder tuple = new StringBuilder("(");
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            tuple.append(i > 0 ? ", " : "").append("CAST(? AS ").append(shape.column(column).sqlType()).append(')');
            order.append(i > 0 ? ", " : "").append(SqlIdentifiers.quote(column));
        }
        tuple.append(')');
        for (int from = 0; from < keys.size(); from += ROW_LOCK_CHUNK) {
            List<List<ColumnValue>> chunk = keys.subList(from, Math.min(keys.size(), from + ROW_LOCK_CHUNK));
            StringBuilder sql = new StringBuilder("SELECT 1 FROM ").append(shape.table().quoted()).append(" WHERE (")
                    .append(order).append(") IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i > 0 ? ", " : "").append(tuple);
            }
            // Locked after the sort: in key order.
            sql.append(") ORDER BY ").append(order).append(" FOR UPDATE");
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                int index = 1;
                for (List<ColumnValue> key : chunk) {
                    for (ColumnValue value : key) {
                        PostgresRowStatements.bindValue(ps, index++, value);
                    }
                }
                ps.executeQuery().close();
            }
        }
    }

    /** Serialization failure (40001), deadlock (40P01), lock not available (55P03). */
    @Override
    public boolean isLockContention(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if ("40001".equals(state) || "40P01".equals(state) || "55P03".equals(state)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void lockMeta(Connection connection, List<RowId> ids, Consumer<MetaEntry> locked) throws SQLException {
        String[] tables = new String[ids.size()];
        String[] keys = new String[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            tables[i] = ids.get(i).table();
            keys[i] = ids.get(i).key();
        }
        Array tableArray = connection.createArrayOf("text", tables);
        Array keyArray = connection.createArrayOf("text", keys);
        // A placeholder entry first, so that a row no site has written yet is locked too:
        // a concurrent local insert of the same key waits for this batch.
        try (PreparedStatement ps = connection.prepareStatement(RowMetaTable.POSTGRES_LOCK_PLACEHOLDERS)) {
            ps.setArray(1, tableArray);
            ps.setArray(2, keyArray);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement(RowMetaTable.POSTGRES_LOCK)) {
            ps.setArray(1, tableArray);
            ps.setArray(2, keyArray);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    locked.accept(MetaEntry.read(rs));
                }
            }
        }
    }

    @Override
    public Set<RowId> insertFirstMeta(Connection connection, List<MetaEntry> entries) throws SQLException {
        int n = entries.size();
        String[] tables = new String[n];
        String[] keys = new String[n];
        String[] vvs = new String[n];
        Long[] hlcs = new Long[n];
        String[] origins = new String[n];
        Long[] seqs = new Long[n];
        Boolean[] deleted = new Boolean[n];
        String[] stamps = new String[n];
        String[] counters = new String[n];
        // The columns of MetaEntry.bind, each as an array: one statement writes every entry.
        for (int i = 0; i < n; i++) {
            MetaEntry e = entries.get(i);
            tables[i] = e.id().table();
            keys[i] = e.id().key();
            vvs[i] = e.vvText();
            hlcs[i] = e.version().hlc();
            origins[i] = e.originText();
            seqs[i] = e.version().sequence();
            deleted[i] = e.version().deleted();
            stamps[i] = e.stampsJson();
            counters[i] = e.countersJson();
        }
        Set<RowId> written = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(RowMetaTable.POSTGRES_INSERT_FIRST)) {
            ps.setArray(1, connection.createArrayOf("text", tables));
            ps.setArray(2, connection.createArrayOf("text", keys));
            ps.setArray(3, connection.createArrayOf("text", vvs));
            ps.setArray(4, connection.createArrayOf("bigint", hlcs));
            ps.setArray(5, connection.createArrayOf("text", origins));
            ps.setArray(6, connection.createArrayOf("bigint", seqs));
            ps.setArray(7, connection.createArrayOf("boolean", deleted));
            ps.setArray(8, connection.createArrayOf("text", stamps));
            ps.setArray(9, connection.createArrayOf("text", counters));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    written.add(new RowId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return written;
    }

    @Override
    public String writeMetaSql() {
        return RowMetaTable.POSTGRES_WRITE;
    }

    @Override
    public String conflictSql() {
        return ConflictsTable.POSTGRES_INSERT;
    }

    @Override
    public boolean storeOffset(Connection connection, OffsetUpdate o) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(OffsetsTable.POSTGRES_STORE)) {
            ps.setString(1, o.consumer());
            ps.setString(2, o.topic());
            ps.setInt(3, o.partition());
            ps.setLong(4, o.nextOffset());
            ps.setLong(5, o.epoch());
            return ps.executeUpdate() != 0;
        }
    }

    @Override
    public boolean claimEpoch(Connection connection, String consumer, String topic, int partition, long epoch)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(OffsetsTable.POSTGRES_CLAIM)) {
            ps.setString(1, consumer);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            ps.setLong(4, epoch);
            return ps.executeUpdate() != 0;
        }
    }

    @Override
    public Optional<TableShape> describe(Connection connection, TableRef table) throws SQLException {
        return PostgresCatalog.describe(connection, table);
    }

    /** From {@code syncline.known_columns}, which PostgreSQL sites keep. */
    @Override
    public Set<String> droppedColumns(Connection connection, TableShape shape) throws SQLException {
        return Set.copyOf(KnownColumns.record(connection, shape));
    }

    @Override
    public RowStatements rowStatements(TableShape shape) {
        return new PostgresRowStatements(shape);
    }

    @Override
    public Optional<Map<String, ColumnValue>> readRow(Connection connection, TableShape shape, List<ColumnValue> key)
            throws SQLException {
        return PostgresRowReader.read(connection, shape, key);
    }

    @Override
    public List<KeyedRow> readRowsWhere(Connection connection, TableShape shape, List<String> columns,
            List<ColumnValue> values) throws SQLException {
        return PostgresRowReader.readWhere(connection, shape, columns, values);
    }

    @Override
    public List<ForeignKey> foreignKeys(Connection connection, TableRef table) throws SQLException {
        return PostgresCatalog.foreignKeys(connection, table);
    }

    /** SQLSTATE 23503 (foreign_key_violation), for a missing parent and a referenced parent alike. */
    @Override
    public boolean isForeignKeyViolation(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if ("23503".equals(next.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<UniqueKey> uniqueKeys(Connection connection, TableRef table) throws SQLException {
        return PostgresCatalog.uniqueKeys(connection, table);
    }

    /** SQLSTATE 23505 (unique_violation). */
    @Override
    public boolean isUniqueViolation(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if ("23505".equals(next.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Integrity constraint violations (23) and data exceptions (22): the data, not the database, is at fault. */
    @Override
    public boolean isRefusal(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("23") || state.startsWith("22"));
    }

    /**
     * The SQLSTATE and the server's primary message (which names the constraint or type), never the
     * statement or the detail line with the values.
     */
    @Override
    public String reasonOf(SQLException e) {
        SQLException cause = e;
        for (SQLException next = e; next != null; next = next.getNextException()) {
            cause = next;
            if (next instanceof PSQLException p && p.getServerErrorMessage() != null) {
                var server = p.getServerErrorMessage();
                return "SQLSTATE " + server.getSQLState() + ": " + server.getMessage()
                        + (server.getColumn() == null ? "" : " (column " + server.getColumn() + ")");
            }
        }
        return "SQLSTATE " + cause.getSQLState() + ": the database refused the change";
    }

    /**
     * Connection exceptions (08), serialization failure (40001), deadlock (40P01), lock not
     * available (55P03), the server shutting down or not accepting connections yet (57P01, 57P03),
     * insufficient resources (53), and 25P03: the server ended a transaction left idle past the lease
     * (see {@link #prepareLeaseSession}). No SQLSTATE at all is a failure of the driver or the network.
     */
    @Override
    public boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return true;
        }
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.equals("55P03")
                || state.equals("57P01") || state.equals("57P03") || state.startsWith("53") || state.equals("25P03");
    }

    /**
     * Undefined column (42703) or table (42P01), a column whose type changed (42804), and 0A000:
     * "cached plan must not change result type" after an ALTER.
     */
    @Override
    public boolean isStaleShape(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("42703") || state.equals("42P01") || state.equals("42804")
                || state.equals("0A000"));
    }

    /** 28P01 (password) and 28000 (no such role, or not allowed by pg_hba); 3D000 (no such database). */
    @Override
    public ConnectionRefusal connectionRefusal(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("28P01") || state.equals("28000")) {
            return ConnectionRefusal.CREDENTIALS;
        }
        return state.equals("3D000") ? ConnectionRefusal.DATABASE : ConnectionRefusal.ADDRESS;
    }

    /**
     * Timeouts in seconds; a batch of single-row upserts goes to the server as multi-row
     * {@code INSERT ... VALUES (...), (...)} statements (an apply batch never holds two writes of one key:
     * ApplyBatch keeps the last).
     */
    @Override
    public void addDriverProperties(Properties props, Duration connectTimeout) {
        String seconds = Long.toString(Math.max(1, connectTimeout.toSeconds()));
        props.setProperty("connectTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        props.setProperty("reWriteBatchedInserts", "true");
    }
}
