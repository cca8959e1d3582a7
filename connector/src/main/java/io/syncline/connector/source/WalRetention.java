package io.syncline.connector.source;

import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.core.apply.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL a PostgreSQL site keeps for its capture. With {@code wal.max.retained.mb} set, the server's
 * {@code max_slot_wal_keep_size} is set to it, so a capture stopped for long cannot fill the site's
 * disk: past the limit the server frees the WAL and marks the slot {@code lost}. A capture whose slot
 * is lost refuses to start and says how to rejoin, rather than resuming with a gap.
 */
final class WalRetention {

    private static final Logger LOG = LoggerFactory.getLogger(WalRetention.class);

    private WalRetention() {
    }

    /**
     * Applies the configured limit and checks the slot.
     *
     * @throws ConnectException if the limit cannot be set or the slot lost WAL it needed (the message
     *     says what to do)
     * @throws RetriableException if the database cannot be reached
     */
    static void check(SynclineSourceConnectorConfig config) {
        Optional<Long> limit = config.walMaxRetainedMb();
        if (config.engine() != Engine.POSTGRES) {
            if (limit.isPresent()) {
                throw new ConnectException(SynclineSourceConnectorConfig.WAL_MAX_RETAINED_MB + " is for PostgreSQL "
                        + "sites; a MariaDB server keeps its binary logs for binlog_expire_logs_seconds: remove the "
                        + "key from the source connector of site " + config.siteId());
            }
            return;
        }
        try (Connection connection = config.connect()) {
            connection.setAutoCommit(true);
            if (limit.isPresent()) {
                applyLimit(connection, config, limit.get());
            }
            String walStatus = walStatus(connection, config.slotName());
            if ("lost".equals(walStatus)) {
                throw new ConnectException(lostMessage(config));
            }
        } catch (SQLException e) {
            throw new RetriableException("site " + config.siteId() + ": could not check the WAL its replication slot "
                    + config.slotName() + " retains (SQLSTATE " + e.getSQLState() + ": " + e.getMessage()
                    + "); the task will retry", e);
        }
    }

    /** The slot's {@code wal_status}, null when the slot does not exist (yet). */
    static String walStatus(Connection connection, String slot) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static String lostMessage(SynclineSourceConnectorConfig config) {
        String slot = config.slotName();
        return "site " + config.siteId() + ": replication slot " + slot + " is lost: it retained more WAL than "
                + "max_slot_wal_keep_size (" + SynclineSourceConnectorConfig.WAL_MAX_RETAINED_MB + ") while the "
                + "capture was stopped, and the server freed it, so changes written at this site since then can no "
                + "longer be read from its log. No row was dropped: they are in the tables and syncline.row_meta. "
                + "To rejoin: stop this connector (PUT /connectors/NAME/stop), drop the slot (SELECT "
                + "pg_drop_replication_slot('" + slot + "')), delete the connector's offsets (DELETE "
                + "/connectors/NAME/offsets), resume it (PUT /connectors/NAME/resume: it creates a new slot and "
                + "captures from now on), then run `syncline repair --mesh FILE --apply` to ship the rows written "
                + "meanwhile (README, 'WAL retention')";
    }

    private static void applyLimit(Connection connection, SynclineSourceConnectorConfig config, long mb)
            throws SQLException {
        long current;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT setting::bigint FROM pg_settings WHERE name = 'max_slot_wal_keep_size'")) {
            if (!rs.next()) {
                throw new ConnectException("site " + config.siteId() + ": the server has no max_slot_wal_keep_size "
                        + "(PostgreSQL 13 or later has); remove " + SynclineSourceConnectorConfig.WAL_MAX_RETAINED_MB);
            }
            current = rs.getLong(1);
        }
        if (current == mb) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '" + mb + "MB'");
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new ConnectException("site " + config.siteId() + ": could not set max_slot_wal_keep_size to " + mb
                    + " MB for " + SynclineSourceConnectorConfig.WAL_MAX_RETAINED_MB + " (SQLSTATE " + e.getSQLState()
                    + ": " + e.getMessage() + "); ALTER SYSTEM needs a superuser: set max_slot_wal_keep_size = '" + mb
                    + "MB' in the server's postgresql.conf and reload it, or leave the key unset", e);
        }
        LOG.info("Site {}: the server's max_slot_wal_keep_size set to {} MB (was {}); it applies to every "
                + "replication slot of that server", config.siteId(), mb, current < 0 ? "no limit" : current + " MB");
    }
}
