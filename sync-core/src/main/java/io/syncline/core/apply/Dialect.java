package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import io.syncline.core.RowId;
import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import io.syncline.core.site.UniqueKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything the apply protocol needs from one database engine: its statements on Syncline's metadata
 * (placeholders and locks, meta, conflict log, offsets and epoch claims; their SQL is kept with the
 * other statements of each table, e.g. {@link RowMetaTable}), the row statements of a table,
 * identifier quoting, the setup of an apply session, and what the engine's errors mean (a refused
 * change, a failure a retry can fix, a statement built for an older table shape). The protocol
 * ({@link SiteApplier} and its batches) and the sink task never branch on the engine; everything that
 * differs between engines lives behind this interface. Each {@link Engine} owns one.
 *
 * <pre>{@code
 * Dialect dialect = Engine.forJdbcUrl("jdbc:postgresql://localhost:5432/app").dialect();
 * var applier = new SiteApplier(dialect, SiteId.of("west"), registry, false);
 * }</pre>
 */
public interface Dialect {

    /** The PostgreSQL dialect (the SQL Syncline has always used at PostgreSQL sites). */
    static Dialect postgres() {
        return PostgresDialect.INSTANCE;
    }

    /** The MariaDB dialect, also for MySQL-compatible servers. */
    static Dialect mariaDb() {
        return MariaDbDialect.INSTANCE;
    }

    /** A short lower-case name of the engine, its {@link Engine#configName()}, e.g. {@code postgres}. */
    String name();

    /** An identifier quoted for this engine; a quote inside is doubled. */
    String quote(String identifier);

    /** A schema-qualified table name quoted for this engine. */
    default String quote(TableRef table) {
        return quote(table.schema()) + "." + quote(table.name());
    }

    /**
     * Adds this engine's JDBC driver settings for an apply or check session to {@code props}: the connect
     * timeout in the unit the driver reads, and whatever makes the apply's statements cheap there.
     */
    void addDriverProperties(Properties props, Duration connectTimeout);

    /**
     * Sets up a new session that will apply batches while its task holds partition leases of
     * {@code leaseTtl}, before its first transaction.
     */
    void prepareLeaseSession(Connection connection, Duration leaseTtl) throws SQLException;

    /** Marks the open transaction as a Syncline apply, so the site's capture does not stamp it as local. */
    void markApplying(Connection connection) throws SQLException;

    /**
     * Sets up the open apply transaction, before its first statement, so that in any lock contention
     * with an application's write it is the apply that yields (docs/design.md, "Locks: the apply
     * yields"): it waits briefly or not at all, and its failure is then {@link #isLockContention}.
     */
    void yieldToApplications(Connection connection) throws SQLException;

    /**
     * Locks the data rows of {@code shape}'s table with these keys, in key order, for the open
     * transaction, as a local write of them would; a key with no row locks nothing.
     */
    void lockRows(Connection connection, TableShape shape, List<List<ColumnValue>> keys) throws SQLException;

    /**
     * Whether the transaction failed only because it lost a lock contention (a lock wait timed out or
     * was refused, a deadlock, a serialization failure): rolled back and run again, it can succeed.
     * Such a failure is also {@link #isTransient transient}.
     */
    boolean isLockContention(SQLException e);

    /**
     * Creates a placeholder meta entry for every id no site has written yet, then locks the meta
     * entries of all ids in (table, key) order, and hands each locked entry to {@code locked}. A
     * placeholder reads as {@link RowVersion#NONE}.
     */
    void lockMeta(Connection connection, List<RowId> ids, Consumer<MetaEntry> locked) throws SQLException;

    /**
     * Writes each entry whose row has none yet, in (table, key) order, and returns the rows it wrote:
     * those are new to this site and locked by the open transaction, so an incoming change of such a
     * key needs no lock, no read and no second meta write. A row that has an entry, or gets one first
     * from a concurrent writer (whose commit this waits for), is left alone and goes through
     * {@link #lockMeta}. Returns nothing where the dialect has no such statement; then every row goes
     * through {@link #lockMeta}.
     */
    default Set<RowId> insertFirstMeta(Connection connection, List<MetaEntry> entries) throws SQLException {
        return Set.of();
    }

    /** Upserts meta entries; the parameters are those {@link MetaEntry#bind} binds. */
    String writeMetaSql();

    /** Inserts a conflict-log row; the parameters are those {@link ConflictLog} binds. */
    String conflictSql();

    /**
     * Stores a partition's next offset unless a newer epoch holds the partition.
     *
     * @return false when a writer with a newer epoch holds it (nothing was stored)
     */
    boolean storeOffset(Connection connection, OffsetUpdate offset) throws SQLException;

    /**
     * Records that the writer with {@code epoch} holds the partition, keeping the stored offset.
     *
     * @return false when a writer with a newer epoch already holds it
     */
    boolean claimEpoch(Connection connection, String consumer, String topic, int partition, long epoch)
            throws SQLException;

    /** The shape of a table from the site's catalog, or empty when the site has no such table. */
    Optional<TableShape> describe(Connection connection, TableRef table) throws SQLException;

    /**
     * The columns the table had at this site and no longer has, as far as the site keeps track of
     * them; records the shape's columns as the present ones, in the connection's open transaction.
     */
    Set<String> droppedColumns(Connection connection, TableShape shape) throws SQLException;

    /** The upsert and delete statements of a table. */
    RowStatements rowStatements(TableShape shape);

    /** Reads a row's current values by its key (for conflict resolution), or empty when it is absent. */
    Optional<Map<String, ColumnValue>> readRow(Connection connection, TableShape shape, List<ColumnValue> key)
            throws SQLException;

    /**
     * The rows of a table whose {@code columns} equal {@code values}, each with its canonical key text
     * (a row with a NULL in one of the columns equals nothing), e.g. the child rows that reference a parent.
     */
    List<KeyedRow> readRowsWhere(Connection connection, TableShape shape, List<String> columns,
            List<ColumnValue> values) throws SQLException;

    /**
     * Every foreign key whose child or parent is {@code table}, from the site's catalog; empty when it
     * takes part in none.
     */
    List<ForeignKey> foreignKeys(Connection connection, TableRef table) throws SQLException;

    /**
     * Whether the database refused a change for a foreign key: a child row whose parent row is missing,
     * or the deletion of a parent row that child rows still reference. Such a refusal is also
     * {@link #isRefusal a refusal}.
     */
    boolean isForeignKeyViolation(SQLException e);

    /**
     * Every unique index or constraint of the table other than its primary key, on plain columns, from
     * the site's catalog; empty when it has none.
     */
    List<UniqueKey> uniqueKeys(Connection connection, TableRef table) throws SQLException;

    /**
     * Whether the database refused a change for a duplicate value of a unique index or constraint (the
     * primary key's included: the caller tells which rows collide). Such a refusal is also
     * {@link #isRefusal a refusal}.
     */
    boolean isUniqueViolation(SQLException e);

    /** Whether the database refused the data (a constraint, a value that does not fit), not failed itself. */
    boolean isRefusal(SQLException e);

    /** The database's reason for a refusal, without the row's values. */
    String reasonOf(SQLException e);

    /** What a failed login or connection points at, so a config check can name the field to fix. */
    enum ConnectionRefusal {
        /** The user or password was refused, or the user may not use the database. */
        CREDENTIALS,
        /** The database does not exist. */
        DATABASE,
        /** Anything else: the host, the port, the network, the server. */
        ADDRESS
    }

    /** See {@link ConnectionRefusal}. */
    ConnectionRefusal connectionRefusal(SQLException e);

    /**
     * Whether a retry of the whole batch can succeed: the connection was lost, the transaction lost
     * a serialization race or a deadlock, a lock wait timed out, the server was short of resources
     * or shutting down. Nothing of a failed batch was written, so it is safe to retry.
     */
    boolean isTransient(SQLException e);

    /**
     * Whether the statement was built for an older shape of the table (a column or the table is no
     * longer there, a column changed type, a prepared plan went stale): read the shapes again and
     * build the statements anew.
     */
    boolean isStaleShape(SQLException e);
}
