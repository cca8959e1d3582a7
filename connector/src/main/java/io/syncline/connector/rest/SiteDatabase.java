package io.syncline.connector.rest;

import io.syncline.connector.config.SynclineConnectorConfig;
import io.syncline.core.HybridClock;
import io.syncline.core.RowId;
import io.syncline.core.apply.ApplyLedgerTable;
import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.apply.Engine;
import io.syncline.core.apply.OffsetsTable;
import io.syncline.core.apply.RowMetaTable;
import io.syncline.core.apply.RowVersion;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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

    private static final String SLOT = """
            SELECT active, confirmed_flush_lsn::text,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, wal_status
              FROM pg_replication_slots WHERE slot_name = ?""";

    static {
        // The worker may call the extension before any Syncline task loaded the drivers in this plugin's loader.
        try {
            Class.forName("org.postgresql.Driver", true, SiteDatabase.class.getClassLoader());
            Class.forName("org.mariadb.jdbc.Driver", true, SiteDatabase.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError("a JDBC driver is missing from the Syncline plugin: " + e);
        }
    }

    /**
     * The site's capture, as its source connector names it: PostgreSQL's replication slot, the
     * connector (a MariaDB capture's binlog position is its stored offset), and the warning levels.
     */
    record Capture(String slot, String connector, long warnBytes) {
    }

    private final String jdbcUrl;
    private final String address;
    private final String user;
    private final String password;
    private final String consumer;
    private final boolean ledger;
    private final Engine engine;
    private final Capture capture;
    private final ConnectorOffsets connectorOffsets;

    private SiteDatabase(Engine engine, String jdbcUrl, String address, String user, String password, String consumer,
            boolean ledger, Capture capture, ConnectorOffsets connectorOffsets) {
        this.engine = engine;
        this.capture = capture;
        this.connectorOffsets = connectorOffsets;
        this.jdbcUrl = jdbcUrl;
        this.address = address;
        this.user = user;
        this.password = password;
        this.consumer = consumer;
        this.ledger = ledger;
    }

    /**
     * @param consumer the sink connector's name (its offsets' consumer), null without a sink
     * @param ledger whether the sink keeps the apply ledger
     * @param slot the source's replication slot, null without a source
     */
    static SiteDatabase of(SynclineConnectorConfig config, String consumer, boolean ledger, String slot) {
        return of(config, consumer, ledger, slot == null ? null : new Capture(slot, null, Long.MAX_VALUE), null);
    }

    /**
     * @param capture the site's capture, null without a source connector
     * @param connectorOffsets where a MariaDB capture's position is read, null for none
     */
    static SiteDatabase of(SynclineConnectorConfig config, String consumer, boolean ledger, Capture capture,
            ConnectorOffsets connectorOffsets) {
        return new SiteDatabase(config.engine(), config.jdbcUrl(), config.hostname() + ":" + config.port() + "/"
                + config.dbname(), config.user(), config.password().value(), consumer, ledger, capture,
                connectorOffsets);
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
        if (engine == Engine.MARIADB) {
            // MariaDB Connector/J counts its timeouts in milliseconds; the socket timeout bounds every statement.
            props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS * 1000));
            props.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS * 1000));
        } else {
            props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
            props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
            props.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
            props.setProperty("ApplicationName", "syncline-rest");
            props.setProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT_MILLIS
                    + (readOnly ? " -c default_transaction_read_only=on" : ""));
        }
        Connection c = DriverManager.getConnection(jdbcUrl, props);
        c.setReadOnly(readOnly);
        return c;
    }

    /** What the site's database says about its sync; an unreachable database gives {@code reachable=false}. */
    SiteStatus.DatabaseStatus status() {
        try (Connection c = open()) {
            List<SiteStatus.OffsetStatus> offsets = new ArrayList<>();
            if (consumer != null) {
                for (OffsetsTable.Position p : OffsetsTable.ofConsumer(c, engine, consumer)) {
                    offsets.add(new SiteStatus.OffsetStatus(p.topic(), p.partition(), p.nextOffset(), p.epoch(),
                            text(p.updatedAt()), p.ageMillis()));
                }
            }
            Map<String, Long> byType = new TreeMap<>();
            Map<String, Long> byRule = new TreeMap<>();
            long conflicts = 0;
            for (ConflictsTable.Count count : ConflictsTable.counts(c)) {
                byType.merge(count.type(), count.count(), Long::sum);
                byRule.merge(count.rule(), count.count(), Long::sum);
                conflicts += count.count();
            }
            Long applied = ledger ? ApplyLedgerTable.count(c) : null;
            SiteStatus.CaptureStatus slotStatus = capture != null && engine == Engine.POSTGRES ? slot(c) : null;
            SiteStatus.BinlogStatus binlog = capture != null && engine == Engine.MARIADB ? binlog(c) : null;
            return SiteStatus.DatabaseStatus.reachable(address, applied, conflicts, byType, byRule, offsets, slotStatus,
                    binlog);
        } catch (SQLException e) {
            return SiteStatus.DatabaseStatus.unreachable(address, describe(e));
        }
    }

    private SiteStatus.CaptureStatus slot(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SLOT)) {
            ps.setString(1, capture.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new SiteStatus.CaptureStatus(capture.slot(), true, rs.getBoolean(1), rs.getString(2),
                            rs.getObject(3, Long.class), rs.getObject(4, Long.class), rs.getString(5),
                            capture.warnBytes());
                }
                return new SiteStatus.CaptureStatus(capture.slot(), false, false, null, null, null, null,
                        capture.warnBytes());
            }
        }
    }

    /**
     * The server's binary logs against the capture's stored position; without a readable position
     * (no offset yet, or the worker's REST API cannot be read) only the server's side is filled.
     */
    private SiteStatus.BinlogStatus binlog(Connection c) throws SQLException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SHOW BINARY LOGS"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        String serverFile = null;
        Long serverPosition = null;
        try (PreparedStatement ps = c.prepareStatement("SHOW MASTER STATUS"); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                serverFile = rs.getString(1);
                serverPosition = rs.getLong(2);
            }
        }
        Optional<ConnectorOffsets.BinlogPosition> at;
        try {
            at = connectorOffsets == null ? Optional.empty() : connectorOffsets.binlog(capture.connector());
        } catch (IOException e) {
            at = Optional.empty();
        }
        if (at.isEmpty()) {
            return new SiteStatus.BinlogStatus(null, null, serverFile, serverPosition, null, null, capture.warnBytes());
        }
        ConnectorOffsets.BinlogPosition position = at.get();
        boolean present = sizes.containsKey(position.file());
        Long behind = present ? binlogBehind(sizes, position, serverFile, serverPosition) : null;
        return new SiteStatus.BinlogStatus(position.file(), position.position(), serverFile, serverPosition, behind,
                present, capture.warnBytes());
    }

    /** Binlog bytes from the capture's position to the server's: the rest of its file and every later one. */
    static long binlogBehind(Map<String, Long> sizes, ConnectorOffsets.BinlogPosition at, String serverFile,
            Long serverPosition) {
        long behind = 0;
        boolean after = false;
        for (Map.Entry<String, Long> log : sizes.entrySet()) {
            long size = log.getKey().equals(serverFile) && serverPosition != null ? serverPosition : log.getValue();
            if (log.getKey().equals(at.file())) {
                behind += Math.max(0, size - at.position());
                after = true;
            } else if (after) {
                behind += size;
            }
        }
        return behind;
    }

    /** The site's generated keys as {@code keys} reads them from the catalog. */
    List<Map<String, Object>> keys(SiteKeys keys) throws SQLException {
        try (Connection c = open()) {
            return keys.describe(c);
        }
    }

    /** The site's newest conflicts, newest first; {@code table} null for every table. */
    List<Map<String, Object>> recentConflicts(String table, int limit) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = open()) {
            for (ConflictsTable.Logged logged : ConflictsTable.newest(c, table, limit)) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", logged.id());
                row.put("detectedAt", text(logged.detectedAt()));
                row.put("table", logged.table());
                row.put("pk", logged.pk());
                row.put("type", logged.type());
                row.put("rule", logged.rule());
                row.put("winner", logged.winner());
                row.put("resolvedAtSite", logged.resolvedAtSite());
                row.put("origins", List.of(logged.localOrigin(), logged.incomingOrigin()));
                row.put("localVv", logged.localVv());
                row.put("incomingVv", logged.incomingVv());
                row.put("resultVv", logged.resultVv());
                row.put("resultDeleted", logged.resultDeleted());
                row.put("status", logged.status());
                rows.add(row);
            }
        }
        return rows;
    }

    /** The meta entry of one row (vector, origin, sequence, clock, tombstone), empty if the site has none. */
    Optional<Map<String, Object>> rowMeta(String table, String key) throws SQLException {
        try (Connection c = open()) {
            return RowMetaTable.read(c, new RowId(table, key)).map(stored -> {
                RowVersion version = stored.entry().version();
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("vv", stored.entry().vvText());
                meta.put("origin", stored.entry().originText());
                meta.put("seq", version.sequence());
                meta.put("hlc", version.hlc());
                meta.put("hlcTime", Instant.ofEpochMilli(HybridClock.physicalMillis(version.hlc())).toString());
                meta.put("deleted", version.deleted());
                meta.put("localWrite", stored.localWrite());
                return meta;
            });
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

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    @Override
    public String toString() {
        return "site database " + address;
    }
}
