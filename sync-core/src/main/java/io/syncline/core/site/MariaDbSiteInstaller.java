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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs Syncline's objects at a MariaDB site: the {@code syncline} database (site identity,
 * row metadata, local sequence, offsets, conflict log) and three AFTER triggers (insert, update,
 * delete) on every synced table. A Syncline apply sets the session variable
 * {@code @syncline_applying} to 1 and the triggers then leave the meta entry to it. Running it
 * again with the same site changes nothing.
 *
 * <p>A table resolved column by column ({@code column-last-writer-wins}, tracking option
 * {@code stamps}) or with counter columns ({@code delta}, {@code counter:<column>}) gets triggers that
 * also keep its per-column clocks and each site's counter contributions in the meta entry, as the
 * PostgreSQL trigger does; the options are recorded in {@code syncline.tracked_tables} and kept by
 * every later installation.
 *
 * <pre>{@code
 * var installer = new MariaDbSiteInstaller(SiteId.of("b"), "orders");
 * installer.install(connection, List.of(TableRef.parse("public.orders")));
 * }</pre>
 */
public final class MariaDbSiteInstaller implements SiteInstaller {

    /** Bumped whenever mariadb-site.sql changes, so an existing site is upgraded once. */
    static final int SCHEMA_VERSION = 2;

    /** Key types whose text form the capture and every other engine reproduce exactly. */
    private static final Set<String> KEY_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "bigint",
            "char", "varchar", "decimal");

    /** Column types a counter ({@code counter:<column>}) may have: its contributions are whole numbers. */
    private static final Set<String> COUNTER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "bigint");

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbSiteInstaller.class);

    private final SiteId site;
    private final String group;

    public MariaDbSiteInstaller(SiteId site, String group) {
        this.site = Objects.requireNonNull(site, "site");
        this.group = Objects.requireNonNull(group, "group");
    }

    @Override
    public PostgresSiteInstaller.Report install(Connection connection, List<TableRef> tables,
            Map<TableRef, Set<String>> trackingOptions) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT GET_LOCK('syncline.install', 60)")) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new SiteSetupException("another installation holds the lock syncline.install for 60 s; "
                            + "retry when it has finished");
                }
            }
            try {
                List<TableShape> shapes = new ArrayList<>();
                for (TableRef table : tables) {
                    TableShape shape = check(connection, table);
                    checkOptions(shape, trackingOptions.getOrDefault(table, Set.of()));
                    shapes.add(shape);
                }
                boolean schemaChanged = installSchema(connection);
                List<TableRef> installed = new ArrayList<>();
                for (TableShape shape : shapes) {
                    Set<String> options = TrackedTables.merge(connection, shape.table(),
                            trackingOptions.getOrDefault(shape.table(), Set.of()));
                    if (installTriggers(connection, shape, options)) {
                        installed.add(shape.table());
                    }
                }
                LOG.info("Site {} of group {}: schema {}, capture triggers installed on {} of {} tables", site, group,
                        schemaChanged ? "installed" : "up to date", installed.size(), tables.size());
                return new PostgresSiteInstaller.Report(schemaChanged, installed, List.of());
            } finally {
                st.executeQuery("SELECT RELEASE_LOCK('syncline.install')").close();
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public TableShape check(Connection connection, TableRef table) throws SQLException {
        Optional<TableShape> found = MariaDbCatalog.describe(connection, table);
        if (found.isEmpty()) {
            throw new SiteSetupException("table " + table + " (table " + table.name() + " of database "
                    + table.schema() + ") does not exist at this site; create it or remove it from table.include.list");
        }
        TableShape shape = found.get();
        if (!shape.hasPrimaryKey()) {
            throw new SiteSetupException("table " + table + " has no primary key; add one or remove the table "
                    + "from table.include.list (Syncline identifies rows by their primary key)");
        }
        for (Map.Entry<String, TableShape.ColumnType> column : shape.columns().entrySet()) {
            if ("uuid".equals(column.getValue().typeName())) {
                // Debezium's MariaDB connector reads the uuid type's stored bytes in another order:
                // the value would arrive changed, so the table is refused rather than synced wrongly.
                throw new SiteSetupException("column " + column.getKey() + " of table " + table + " has MariaDB's "
                        + "uuid type, which the capture cannot read back exactly; use char(36) (or binary(16)) "
                        + "or remove the table from table.include.list");
            }
        }
        for (String column : shape.keyColumns()) {
            String type = shape.column(column).typeName();
            if (!KEY_TYPES.contains(type)) {
                throw new SiteSetupException("primary-key column " + column + " of table " + table + " has type "
                        + shape.column(column).sqlType() + ", which Syncline cannot use in a key; "
                        + "use an integer, char, varchar or decimal key");
            }
        }
        return shape;
    }

    /** Every option names {@code stamps} or an integer column of the table as a counter. */
    private static void checkOptions(TableShape shape, Set<String> options) {
        for (String option : options) {
            if (option.equals("stamps")) {
                continue;
            }
            if (!option.startsWith("counter:")) {
                throw new SiteSetupException("table " + shape.table() + " asks for tracking option '" + option
                        + "', which is neither stamps nor counter:<column>");
            }
            String column = option.substring("counter:".length());
            TableShape.ColumnType type = shape.columns().get(column);
            if (type == null) {
                throw new SiteSetupException("counter column " + column + " of table " + shape.table() + " does not "
                        + "exist at this site; fix conflict.resolver." + shape.table() + ".columns");
            }
            if (!COUNTER_TYPES.contains(type.typeName())) {
                throw new SiteSetupException("counter column " + column + " of table " + shape.table() + " has type "
                        + type.sqlType() + "; a delta counter needs an integer column (tinyint to bigint)");
            }
        }
    }

    private boolean installSchema(Connection connection) throws SQLException {
        Optional<SiteTable.Row> existing = readSite(connection);
        if (existing.isPresent()) {
            SiteTable.Row row = existing.get();
            if (!row.siteId().equals(site.value()) || !row.group().equals(group)) {
                throw new SiteSetupException("this database server is already site '" + row.siteId() + "' of sync group '"
                        + row.group() + "', not site '" + site + "' of group '" + group + "'; fix site.id / sync.group, "
                        + "or drop database syncline to reinstall");
            }
            if (row.schemaVersion() >= SCHEMA_VERSION) {
                return false;
            }
        }
        try (Statement st = connection.createStatement()) {
            for (String statement : script().split("(?m)^--;\\s*$")) {
                if (!statement.strip().isEmpty() && !onlyComments(statement)) {
                    st.execute(statement);
                }
            }
        }
        SiteTable.writeMariaDb(connection, site, group, SCHEMA_VERSION);
        return true;
    }

    private static boolean onlyComments(String statement) {
        return statement.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("--"));
    }

    private static Optional<SiteTable.Row> readSite(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES "
                        + "WHERE TABLE_SCHEMA = 'syncline' AND TABLE_NAME = 'site'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return Optional.empty();
            }
        }
        return SiteTable.read(connection);
    }

    /** (Re)creates the three triggers when one is missing or its body differs from the wanted one. */
    private static boolean installTriggers(Connection connection, TableShape shape, Set<String> options)
            throws SQLException {
        boolean changed = false;
        for (String event : List.of("INSERT", "UPDATE", "DELETE")) {
            String name = triggerName(shape.table(), event);
            String body = triggerBody(shape, event, options);
            String existing = null;
            try (PreparedStatement ps = connection.prepareStatement("SELECT ACTION_STATEMENT FROM "
                    + "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?")) {
                ps.setString(1, shape.table().schema());
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        existing = rs.getString(1);
                    }
                }
            }
            if (body.equals(existing)) {
                continue;
            }
            String qualified = MariaDbCatalog.quote(shape.table().schema()) + "." + MariaDbCatalog.quote(name);
            try (Statement st = connection.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS " + qualified);
                st.execute("CREATE TRIGGER " + qualified + " AFTER " + event + " ON "
                        + MariaDbCatalog.quote(shape.table()) + " FOR EACH ROW " + body);
            }
            changed = true;
        }
        return changed;
    }

    static String triggerName(TableRef table, String event) {
        String name = "syncline_" + event.toLowerCase() + "_" + table.name();
        if (name.length() <= 64) {
            return name;
        }
        String hash = HexFormat.of().toHexDigits(table.name().hashCode());
        return name.substring(0, 64 - 9) + "_" + hash;
    }

    static String triggerBody(TableShape shape, String event) {
        return triggerBody(shape, event, Set.of());
    }

    /**
     * The body of a capture trigger; with tracking options (see {@link TrackedWrite}) a live row's
     * write also passes its changed columns and counter deltas.
     */
    static String triggerBody(TableShape shape, String event, Set<String> options) {
        String table = sqlText(shape.table().toString());
        String call = "CALL syncline.record_local_write(" + table + ", ";
        String guard = "IF COALESCE(@syncline_applying, 0) <> 1 THEN ";
        if (!options.isEmpty() && !event.equals("DELETE")) {
            TrackedWrite tracked = new TrackedWrite(shape, options);
            String fresh = "CALL syncline.record_tracked_write(" + table + ", " + keyText(shape, "NEW") + ", 1, "
                    + tracked.freshArguments() + ");";
            if (event.equals("INSERT")) {
                return "BEGIN " + guard + fresh + " END IF; END";
            }
            return "BEGIN " + guard + "IF NOT (BINARY " + keyText(shape, "OLD") + " <=> BINARY " + keyText(shape, "NEW")
                    + ") THEN " + call + keyText(shape, "OLD") + ", 1); " + fresh + " ELSE CALL "
                    + "syncline.record_tracked_write(" + table + ", " + keyText(shape, "NEW") + ", 0, "
                    + tracked.updateArguments() + "); END IF; END IF; END";
        }
        return switch (event) {
            case "INSERT" -> "BEGIN " + guard + call + keyText(shape, "NEW") + ", 0); END IF; END";
            case "DELETE" -> "BEGIN " + guard + call + keyText(shape, "OLD") + ", 1); END IF; END";
            // The body names the key columns only, so adding or dropping another column never breaks
            // the application's writes. The price: an UPDATE that leaves the row as it was writes no
            // row event to the binary log but records a version (see README, known limits).
            default -> "BEGIN " + guard + "IF NOT (BINARY " + keyText(shape, "OLD") + " <=> BINARY "
                    + keyText(shape, "NEW") + ") THEN " + call + keyText(shape, "OLD") + ", 1); END IF; "
                    + call + keyText(shape, "NEW") + ", 0); END IF; END";
        };
    }

    /** A MariaDB string literal. */
    static String sqlText(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** The canonical key text (see {@link KeyText}) of the row {@code NEW} or {@code OLD}. */
    static String keyText(TableShape shape, String row) {
        List<String> parts = new ArrayList<>();
        for (String column : shape.keyColumns()) {
            parts.add("CAST(" + row + "." + MariaDbCatalog.quote(column) + " AS CHAR)");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<String> escaped = new ArrayList<>();
        for (String part : parts) {
            escaped.add("REPLACE(REPLACE(" + part + ", '\\\\', '\\\\\\\\'), ',', '\\\\,')");
        }
        return "CONCAT_WS(',', " + String.join(", ", escaped) + ")";
    }

    private static String script() {
        try (InputStream in = MariaDbSiteInstaller.class.getResourceAsStream("mariadb-site.sql")) {
            if (in == null) {
                throw new IllegalStateException("mariadb-site.sql is missing from the Syncline jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read mariadb-site.sql from the Syncline jar", e);
        }
    }
}
