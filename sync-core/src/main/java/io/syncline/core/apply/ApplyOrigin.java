package io.syncline.core.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication origin an apply session writes under at a PostgreSQL 16 or later site, so the
 * site's capture, reading with {@code origin=none}, is never sent the rows Syncline applied there
 * (the walsender skips every WAL record tagged with an origin instead of decoding it).
 *
 * <p>PostgreSQL tags each record with the session's origin when it is written, and skips a whole
 * transaction whose commit record carries one. So the apply writes its rows and their meta under
 * the origin ({@link #enter}), and what the site's capture must see of an apply transaction, its
 * conflict-log rows and its offsets (the dependencies of later local transactions are read from
 * them), and its commit, without ({@link #leave}). Anything that keeps the origin from being used
 * (PostgreSQL 15, a user who may not use replication origins, the origin held by another session)
 * leaves the apply as before: the capture then drops the applied rows itself.
 *
 * <pre>{@code
 * ApplyOrigin origin = ApplyOrigin.named("syncline:shop-b-sink:0");
 * origin.enter(connection);   // rows and meta
 * origin.leave(connection);   // offsets, conflicts, commit
 * }</pre>
 */
public final class ApplyOrigin {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyOrigin.class);
    private static final ApplyOrigin NONE = new ApplyOrigin(null);
    /** The first version whose pgoutput filters by origin. */
    static final int FIRST_FILTERING_VERSION = 16;

    private final String name;
    private Connection usable;
    private Connection refused;
    private boolean entered;

    private ApplyOrigin(String name) {
        this.name = name;
    }

    /** No origin: every record is written untagged. */
    public static ApplyOrigin none() {
        return NONE;
    }

    /** The origin {@code name}, created at the site on first use; one session at a time may use it. */
    public static ApplyOrigin named(String name) {
        return new ApplyOrigin(name);
    }

    /** The origin's name, null for {@link #none()}. */
    public String name() {
        return name;
    }

    /** Whether the connection's writes are tagged now. */
    public synchronized boolean entered() {
        return entered;
    }

    /** From now on the session's records carry the origin (where the site can). */
    public synchronized void enter(Connection connection) throws SQLException {
        if (name == null || entered || !usable(connection)) {
            return;
        }
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_replication_origin_session_setup(?)")) {
            ps.setString(1, name);
            ps.execute();
            connection.releaseSavepoint(savepoint);
            entered = true;
        } catch (SQLException e) {
            // In use by another session (a task being replaced), or not allowed: untagged, as on 15.
            connection.rollback(savepoint);
            refuse(connection, e);
        }
    }

    /** From now on the session's records carry no origin. */
    public synchronized void leave(Connection connection) throws SQLException {
        if (!entered) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_replication_origin_session_reset()")) {
            ps.execute();
        }
        entered = false;
    }

    /**
     * After a rollback: the session's origin is not part of the transaction, so it is reset
     * outside one (an aborted transaction runs nothing).
     */
    public synchronized void leaveAfterRollback(Connection connection) {
        if (!entered) {
            return;
        }
        try {
            leave(connection);
            connection.rollback();
        } catch (SQLException e) {
            // The connection is gone; a new session starts without an origin.
            entered = false;
        }
    }

    private boolean usable(Connection connection) throws SQLException {
        if (connection == usable) {
            return true;
        }
        if (connection == refused) {
            return false;
        }
        if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())
                || connection.getMetaData().getDatabaseMajorVersion() < FIRST_FILTERING_VERSION) {
            refused = connection;
            return false;
        }
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_replication_origin_create(?) WHERE pg_replication_origin_oid(?) IS NULL")) {
            ps.setString(1, name);
            ps.setString(2, name);
            ps.execute();
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            connection.rollback(savepoint);
            refuse(connection, e);
            return false;
        }
        usable = connection;
        entered = false;
        return true;
    }

    private void refuse(Connection connection, SQLException e) {
        refused = connection;
        usable = null;
        LOG.warn("Replication origin {} cannot be used ({}; SQLSTATE {}): the site's capture receives the rows this "
                + "apply writes and drops them itself, as at PostgreSQL 15 sites", name, e.getMessage(), e.getSQLState());
    }
}
