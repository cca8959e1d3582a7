package io.syncline.connector.rest;

import io.syncline.connector.config.SynclineConnectorConfig;
import io.syncline.core.HybridClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Read-only queries against one site's {@code syncline} schema for the REST endpoints. Every
 * connection is short-lived, read-only, and bounded in time (connect, login, statement and socket
 * timeouts of a few seconds), so an unreachable site costs a request seconds, never a hang. Every
 * value is bound as a parameter. The password never leaves this class.
 */
final class SiteDatabase {

    static final int CONNECT_TIMEOUT_SECONDS = 3;
    static final int STATEMENT_TIMEOUT_MILLIS = 5_000;
    static final int SOCKET_TIMEOUT_SECONDS = 10;

    private static final String OFFSETS = """
            SELECT topic, kafka_partition, next_offset, epoch, updated_at,
                   (EXTRACT(EPOCH FROM clock_timestamp() - updated_at) * 1000)::bigint
              FROM syncline.offsets WHERE consumer = ? ORDER BY topic, kafka_partition""";
    private static final String CONFLICT_COUNTS =
            "SELECT conflict_type, rule, count(*) FROM syncline.conflicts GROUP BY conflict_type, rule";
    private static final String LEDGER_COUNT = "SELECT count(*) FROM syncline.apply_ledger";
    private static final String SLOT = """
            SELECT active, confirmed_flush_lsn::text,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
              FROM pg_replication_slots WHERE slot_name = ?""";
    private static final String CONFLICT_COLUMNS = """
            SELECT id, detected_at, table_name, pk, conflict_type, rule, winner, resolved_at_site,
                   local_origin, local_vv, incoming_origin, incoming_vv, result_vv, result_deleted, status
              FROM syncline.conflicts""";
    private static final String RECENT_CONFLICTS = CONFLICT_COLUMNS + " ORDER BY id DESC LIMIT ?";
    private static final String RECENT_CONFLICTS_OF_TABLE = CONFLICT_COLUMNS
            + " WHERE table_name = ? ORDER BY id DESC LIMIT ?";
    private static final String ROW_META =
            "SELECT vv, origin, seq, hlc, deleted, local_write FROM syncline.row_meta WHERE table_name = ? AND pk = ?";

    static {
        // The worker may call the extension before any Syncline task loaded the driver in this plugin's loader.
        try {
            Class.forName("org.postgresql.Driver", true, SiteDatabase.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError("the PostgreSQL driver is missing from the Syncline plugin: " + e);
        }
    }

    private final String jdbcUrl;
    private final String address;
    private final String user;
    private final String password;
    private final String consumer;
    private final boolean ledger;
    private final String slot;

    private SiteDatabase(String jdbcUrl, String address, String user, String password, String consumer,
            boolean ledger, String slot) {
        this.jdbcUrl = jdbcUrl;
        this.address = address;
        this.user = user;
        this.password = password;
        this.consumer = consumer;
        this.ledger = ledger;
        this.slot = slot;
    }

    /**
     * @param consumer the sink connector's name (its offsets' consumer), null without a sink
     * @param ledger whether the sink keeps the apply ledger
     * @param slot the source's replication slot, null without a source
     */
    static SiteDatabase of(SynclineConnectorConfig config, String consumer, boolean ledger, String slot) {
        return new SiteDatabase(config.jdbcUrl(), config.hostname() + ":" + config.port() + "/" + config.dbname(),
                config.user(), config.password().value(), consumer, ledger, slot);
    }

    /** host:port/database, for people. */
    String address() {
        return address;
    }

    /** The password is a config provider reference (e.g. {@code ${file:...}}), which only tasks see resolved. */
    boolean passwordIsIndirect() {
        return password != null && password.startsWith("${");
    }

    /** A connection that may write (settling a parked conflict); the same timeouts. */
    Connection openForWrite() throws SQLException {
        return connect(false);
    }

    Connection open() throws SQLException {
        return connect(true);
    }

    private Connection connect(boolean readOnly) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "syncline-rest");
        props.setProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT_MILLIS
                + (readOnly ? " -c default_transaction_read_only=on" : ""));
        Connection c = DriverManager.getConnection(jdbcUrl, props);
        c.setReadOnly(readOnly);
        return c;
    }

    /** What the site's database says about its sync; an unreachable database gives {@code reachable=false}. */
    SiteStatus.DatabaseStatus status() {
        try (Connection c = open()) {
            List<SiteStatus.OffsetStatus> offsets = new ArrayList<>();
            if (consumer != null) {
                try (PreparedStatement ps = c.prepareStatement(OFFSETS)) {
                    ps.setString(1, consumer);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long next = rs.getLong(3);
                            offsets.add(new SiteStatus.OffsetStatus(rs.getString(1), rs.getInt(2),
                                    rs.wasNull() ? null : next, rs.getLong(4), instant(rs, 5), rs.getLong(6)));
                        }
                    }
                }
            }
            Map<String, Long> byType = new TreeMap<>();
            Map<String, Long> byRule = new TreeMap<>();
            long conflicts = 0;
            try (PreparedStatement ps = c.prepareStatement(CONFLICT_COUNTS); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(3);
                    byType.merge(rs.getString(1), n, Long::sum);
                    byRule.merge(rs.getString(2), n, Long::sum);
                    conflicts += n;
                }
            }
            Long applied = null;
            if (ledger) {
                try (PreparedStatement ps = c.prepareStatement(LEDGER_COUNT); ResultSet rs = ps.executeQuery()) {
                    applied = rs.next() ? rs.getLong(1) : 0L;
                }
            }
            SiteStatus.CaptureStatus capture = null;
            if (slot != null) {
                try (PreparedStatement ps = c.prepareStatement(SLOT)) {
                    ps.setString(1, slot);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            long behind = rs.getLong(3);
                            capture = new SiteStatus.CaptureStatus(slot, true, rs.getBoolean(1), rs.getString(2),
                                    rs.wasNull() ? null : behind);
                        } else {
                            capture = new SiteStatus.CaptureStatus(slot, false, false, null, null);
                        }
                    }
                }
            }
            return SiteStatus.DatabaseStatus.reachable(address, applied, conflicts, byType, byRule, offsets, capture);
        } catch (SQLException e) {
            return SiteStatus.DatabaseStatus.unreachable(address, describe(e));
        }
    }

    /** The site's newest conflicts, newest first; {@code table} null for every table. */
    List<Map<String, Object>> recentConflicts(String table, int limit) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = open();
                PreparedStatement ps = c.prepareStatement(table == null ? RECENT_CONFLICTS : RECENT_CONFLICTS_OF_TABLE)) {
            int i = 1;
            if (table != null) {
                ps.setString(i++, table);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getLong("id"));
                    row.put("detectedAt", instant(rs, 2));
                    row.put("table", rs.getString("table_name"));
                    row.put("pk", rs.getString("pk"));
                    row.put("type", rs.getString("conflict_type"));
                    row.put("rule", rs.getString("rule"));
                    row.put("winner", rs.getString("winner"));
                    row.put("resolvedAtSite", rs.getString("resolved_at_site"));
                    row.put("origins", List.of(rs.getString("local_origin"), rs.getString("incoming_origin")));
                    row.put("localVv", rs.getString("local_vv"));
                    row.put("incomingVv", rs.getString("incoming_vv"));
                    row.put("resultVv", rs.getString("result_vv"));
                    row.put("resultDeleted", rs.getBoolean("result_deleted"));
                    row.put("status", rs.getString("status"));
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The meta entry of one row (vector, origin, sequence, clock, tombstone), empty if the site has none. */
    Optional<Map<String, Object>> rowMeta(String table, String key) throws SQLException {
        try (Connection c = open(); PreparedStatement ps = c.prepareStatement(ROW_META)) {
            ps.setString(1, table);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> meta = new LinkedHashMap<>();
                long hlc = rs.getLong("hlc");
                meta.put("vv", rs.getString("vv"));
                meta.put("origin", rs.getString("origin"));
                meta.put("seq", rs.getLong("seq"));
                meta.put("hlc", hlc);
                meta.put("hlcTime", Instant.ofEpochMilli(HybridClock.physicalMillis(hlc)).toString());
                meta.put("deleted", rs.getBoolean("deleted"));
                meta.put("localWrite", rs.getBoolean("local_write"));
                return Optional.of(meta);
            }
        }
    }

    /** The driver's message with the SQL state; never the password (the driver does not print it). */
    String describe(SQLException e) {
        String message = String.valueOf(e.getMessage());
        if (passwordIsIndirect()) {
            message += " (the password is a config provider reference, which the REST extension cannot resolve)";
        }
        return e.getSQLState() == null ? message : message + " [SQL state " + e.getSQLState() + "]";
    }

    private static String instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }

    @Override
    public String toString() {
        return "site database " + address;
    }
}
