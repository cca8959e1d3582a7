package io.syncline.core.site;

import io.syncline.core.SiteId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs Syncline's objects at a PostgreSQL site: the {@code syncline} schema (site identity,
 * row metadata, local sequence, offsets) and a capture trigger on every synced table. Running it
 * again with the same site changes nothing.
 *
 * <pre>{@code
 * var installer = new PostgresSiteInstaller(SiteId.of("east"), "orders");
 * try (Connection c = DriverManager.getConnection(url, user, password)) {
 *     installer.install(c, List.of(TableRef.parse("public.orders")));
 * }
 * }</pre>
 */
public final class PostgresSiteInstaller implements SiteInstaller {

    /** Bumped whenever postgres-site.sql changes, so an existing site is upgraded once. */
    static final int SCHEMA_VERSION = 6;

    /**
     * The capture trigger runs BEFORE each row change (schema version 3 on), and PostgreSQL fires
     * the BEFORE triggers of a table in name order: the name sorts after usual trigger names, so it
     * records the row as the other triggers left it.
     */
    static final String TRIGGER_NAME = "zz_syncline_capture";

    /** The AFTER ROW trigger of schema versions 1 and 2, replaced on upgrade. */
    static final String LEGACY_TRIGGER_NAME = "syncline_capture";

    /** pg_trigger.tgtype bit of a BEFORE trigger. */
    private static final int TRIGGER_TYPE_BEFORE = 2;

    /** Separates the key columns from the options among the trigger's arguments. */
    static final String OPTIONS_SEPARATOR = "|";

    /** Key types whose text form the source can reproduce exactly from the captured value. */
    private static final Set<String> KEY_TYPES = Set.of("int2", "int4", "int8", "text", "varchar", "uuid", "numeric");

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSiteInstaller.class);

    private final SiteId site;
    private final String group;

    public PostgresSiteInstaller(SiteId site, String group) {
        this.site = Objects.requireNonNull(site, "site");
        this.group = Objects.requireNonNull(group, "group");
    }

    /**
     * What an installation changed.
     *
     * @param replicaIdentitySet tables whose REPLICA IDENTITY was set to FULL by this installation
     */
    public record Report(boolean schemaChanged, List<TableRef> triggersInstalled, List<TableRef> replicaIdentitySet) {
        public Report {
            triggersInstalled = List.copyOf(triggersInstalled);
            replicaIdentitySet = List.copyOf(replicaIdentitySet);
        }

        public boolean changedNothing() {
            return !schemaChanged && triggersInstalled.isEmpty() && replicaIdentitySet.isEmpty();
        }
    }

    /**
     * Checks every table first (exists, has a primary key of a supported type) and installs
     * nothing if one fails, then installs in one transaction.
     *
     * @throws SiteSetupException when a table is missing or unusable, or the database already
     *     belongs to another site or group
     */
    public Report install(Connection connection, List<TableRef> tables) throws SQLException {
        return install(connection, tables, Map.of());
    }

    /**
     * Like {@link #install(Connection, List)}, and makes the trigger of some tables also keep
     * per-column clocks ({@code stamps}) or counter contributions ({@code counter:<column>}).
     * Options already installed on a table are kept.
     */
    @Override
    public Report install(Connection connection, List<TableRef> tables, Map<TableRef, Set<String>> trackingOptions)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(hashtext('syncline.install'))");
            }
            List<TableShape> shapes = new ArrayList<>();
            for (TableRef table : tables) {
                shapes.add(checkTable(connection, table));
            }
            boolean schemaChanged = installSchema(connection);
            List<TableRef> installed = new ArrayList<>();
            List<TableRef> fullIdentity = new ArrayList<>();
            for (TableShape shape : shapes) {
                if (installTrigger(connection, shape, trackingOptions.getOrDefault(shape.table(), Set.of()))) {
                    installed.add(shape.table());
                }
                if (setReplicaIdentityFull(connection, shape.table())) {
                    fullIdentity.add(shape.table());
                }
                KnownColumns.record(connection, shape);
            }
            connection.commit();
            Report report = new Report(schemaChanged, installed, fullIdentity);
            LOG.info("Site {} of group {}: schema {}, capture trigger installed on {} of {} tables, "
                    + "REPLICA IDENTITY FULL set on {}", site, group, schemaChanged ? "installed" : "up to date",
                    installed.size(), tables.size(), fullIdentity.size());
            return report;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public TableShape check(Connection connection, TableRef table) throws SQLException {
        return checkTable(connection, table);
    }

    /** Checks that a table can be synced; the message of the exception says how to fix it. */
    public static TableShape checkTable(Connection connection, TableRef table) throws SQLException {
        Optional<TableShape> found = PostgresCatalog.describe(connection, table);
        if (found.isEmpty()) {
            throw new SiteSetupException("table " + table + " does not exist at this site; "
                    + "create it or remove it from table.include.list");
        }
        TableShape shape = found.get();
        if (!shape.hasPrimaryKey()) {
            throw new SiteSetupException("table " + table + " has no primary key; add one or remove the table "
                    + "from table.include.list (Syncline identifies rows by their primary key)");
        }
        for (String column : shape.keyColumns()) {
            String type = shape.column(column).typeName();
            if (!KEY_TYPES.contains(type)) {
                throw new SiteSetupException("primary-key column " + column + " of table " + table + " has type "
                        + shape.column(column).sqlType() + ", which Syncline cannot use in a key; "
                        + "use an integer, text, varchar, uuid or numeric key");
            }
        }
        if (primaryKeyIsDeferrable(connection, table)) {
            // The apply's upsert cannot use a deferrable key, and a key shifted by one statement
            // (SET id = id + 1) would fire its triggers as if a live row had been deleted.
            throw new SiteSetupException("the primary key of table " + table + " is DEFERRABLE, which Syncline "
                    + "cannot use; recreate it NOT DEFERRABLE or remove the table from table.include.list");
        }
        return shape;
    }

    private static boolean primaryKeyIsDeferrable(Connection connection, TableRef table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT condeferrable FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'p'")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private boolean installSchema(Connection connection) throws SQLException {
        Optional<SiteTable.Row> existing = readSite(connection);
        if (existing.isPresent()) {
            SiteTable.Row row = existing.get();
            if (!row.siteId().equals(site.value()) || !row.group().equals(group)) {
                throw new SiteSetupException("this database is already site '" + row.siteId() + "' of sync group '" + row.group()
                        + "', not site '" + site + "' of group '" + group + "'; fix site.id / sync.group, "
                        + "or drop schema syncline to reinstall");
            }
            if (row.schemaVersion() >= SCHEMA_VERSION) {
                return false;
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute(script());
        }
        SiteTable.writePostgres(connection, site, group, SCHEMA_VERSION);
        return true;
    }

    /** The site row, if the schema is installed. */
    private static Optional<SiteTable.Row> readSite(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_regclass('syncline.site') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Optional.empty();
            }
        }
        return SiteTable.read(connection);
    }

    /**
     * Makes PostgreSQL log the whole old row of every update and delete. Without it an update that
     * leaves a TOASTed value (large text, jsonb, bytea) unchanged carries no value for that column,
     * and the capture would have no complete row image to ship; with it, the capture fills the
     * unchanged value in from the old row (docs/design.md, "Capture: unchanged TOASTed values").
     */
    private static boolean setReplicaIdentityFull(Connection connection, TableRef table) throws SQLException {
        if (PostgresCatalog.hasFullReplicaIdentity(connection, table)) {
            return false;
        }
        try (Statement st = connection.createStatement()) {
            st.execute("ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL");
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new SiteSetupException("table " + table + " needs REPLICA IDENTITY FULL (so that updates "
                        + "leaving large values unchanged can be shipped whole) and the database user may not set it; "
                        + "run ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL as the table's owner");
            }
            throw e;
        }
        return true;
    }

    /** Installs or replaces the capture trigger when it is missing or names other key columns. */
    private static boolean installTrigger(Connection connection, TableShape shape, Set<String> requested)
            throws SQLException {
        String table = shape.table().quoted();
        Set<String> options = new TreeSet<>(requested);
        List<String> existing = null;
        boolean current = false;
        boolean legacy = false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT tgname, tgargs, tgtype FROM pg_trigger "
                + "WHERE tgrelid = ?::regclass AND tgname IN (?, ?) AND NOT tgisinternal ORDER BY tgname = ?")) {
            ps.setString(1, table);
            ps.setString(2, TRIGGER_NAME);
            ps.setString(3, LEGACY_TRIGGER_NAME);
            ps.setString(4, TRIGGER_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // The current trigger's arguments win over a legacy one's (ordered last).
                    existing = triggerArguments(rs.getBytes(2));
                    if (TRIGGER_NAME.equals(rs.getString(1)) && (rs.getInt(3) & TRIGGER_TYPE_BEFORE) != 0) {
                        current = true;
                    } else {
                        legacy = true;
                    }
                }
            }
        }
        if (existing != null) {
            int separator = existing.indexOf(OPTIONS_SEPARATOR);
            if (separator >= 0) {
                options.addAll(existing.subList(separator + 1, existing.size()));
            }
        }
        List<String> wanted = new ArrayList<>(shape.keyColumns());
        if (!options.isEmpty()) {
            wanted.add(OPTIONS_SEPARATOR);
            wanted.addAll(options);
        }
        if (current && !legacy && wanted.equals(existing)) {
            return false;
        }
        StringBuilder args = new StringBuilder();
        for (String arg : wanted) {
            if (args.length() > 0) {
                args.append(", ");
            }
            args.append('\'').append(arg.replace("'", "''")).append('\'');
        }
        try (Statement st = connection.createStatement()) {
            st.execute("DROP TRIGGER IF EXISTS " + SqlIdentifiers.quote(LEGACY_TRIGGER_NAME) + " ON " + table);
            st.execute("DROP TRIGGER IF EXISTS " + SqlIdentifiers.quote(TRIGGER_NAME) + " ON " + table);
            st.execute("CREATE TRIGGER " + SqlIdentifiers.quote(TRIGGER_NAME)
                    + " BEFORE INSERT OR UPDATE OR DELETE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION syncline.capture(" + args + ")");
        }
        return true;
    }

    /** pg_trigger.tgargs holds the arguments, each followed by a NUL byte. */
    private static List<String> triggerArguments(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return List.of();
        }
        String all = new String(raw, StandardCharsets.UTF_8);
        if (all.endsWith("\0")) {
            all = all.substring(0, all.length() - 1);
        }
        return Arrays.asList(all.split("\0", -1));
    }

    private static String script() {
        try (InputStream in = PostgresSiteInstaller.class.getResourceAsStream("postgres-site.sql")) {
            if (in == null) {
                throw new IllegalStateException("postgres-site.sql is missing from the Syncline jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read postgres-site.sql from the Syncline jar", e);
        }
    }
}
