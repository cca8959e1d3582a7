package io.syncline.core.site;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KeyInstaller} of MariaDB sites. A MariaDB server draws every {@code AUTO_INCREMENT}
 * value from the pattern its variables {@code auto_increment_increment} (the mesh's step) and
 * {@code auto_increment_offset} (the site's slot) set, for every table at once, and InnoDB never
 * hands out a value at or below the largest one in the column, so rows applied from other sites
 * (which lie in other slots) never meet a value of this site. When a synced table has an
 * {@code AUTO_INCREMENT} column, the installer checks the server's GLOBAL values; where they are
 * wrong it sets them GLOBAL if the user may (and warns that the server's config file must carry
 * them, and that sessions opened before keep the old values), else it refuses with the fix. Each
 * such table's counter is moved above the column's largest value.
 *
 * <pre>{@code
 * new MariaDbKeyInstaller().install(connection, List.of(TableRef.parse("public.orders")),
 *         KeyPlan.interleaved(16, 3));
 * }</pre>
 */
public final class MariaDbKeyInstaller implements KeyInstaller {

    /** The largest value MariaDB accepts for auto_increment_increment and auto_increment_offset. */
    static final int MAX_STEP = 65_535;

    /** Name of the "sequence" of an AUTO_INCREMENT column in a {@link KeySequence}. */
    public static final String AUTO_INCREMENT = "AUTO_INCREMENT";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbKeyInstaller.class);

    private static final String AUTO_INCREMENT_COLUMN = """
            SELECT c.COLUMN_NAME, t.AUTO_INCREMENT
              FROM information_schema.COLUMNS c
              JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
             WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND c.EXTRA LIKE '%auto_increment%'""";

    /** A table's AUTO_INCREMENT column and its counter. */
    private record AutoColumn(TableRef table, String column, long counter) {
    }

    /** The server's GLOBAL auto_increment_increment and auto_increment_offset. */
    private record Pattern(long increment, long offset) {
    }

    @Override
    public List<KeySequence> install(Connection connection, List<TableRef> tables, KeyPlan plan,
            KeyBlockSource blocks) throws SQLException {
        if (plan.kind() == KeyKind.COORDINATOR_BLOCKS) {
            throw new SiteSetupException("keys.kind=coordinator-blocks is for PostgreSQL sites: MariaDB's "
                    + "AUTO_INCREMENT cannot be bounded to a block of values; use keys.kind=interleaved at every site "
                    + "of a group with a MariaDB site (one group, one kind: a block holds values of every slot)");
        }
        List<AutoColumn> columns = autoColumns(connection, tables);
        if (columns.isEmpty()) {
            return List.of();
        }
        if (plan.kind() == KeyKind.NONE) {
            return describe(connection, tables, plan);
        }
        boolean changed = ensurePattern(connection, columns.get(0), plan);
        List<KeySequence> result = new ArrayList<>();
        for (AutoColumn column : columns) {
            long counter = raiseCounter(connection, column);
            long next = plan.firstAbove(counter - 1);
            String name = column.table() + "." + column.column();
            LOG.info("{}: AUTO_INCREMENT now steps by {} from {} (site slot {})", name, plan.step(), next,
                    plan.offset());
            result.add(new KeySequence(column.table(), column.column(), AUTO_INCREMENT, KeyKind.INTERLEAVED.configName(),
                    plan.step(), next, changed ? KeySequence.Action.CONVERTED : KeySequence.Action.UNCHANGED));
        }
        return result;
    }

    @Override
    public List<KeySequence> describe(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException {
        List<AutoColumn> columns = autoColumns(connection, tables);
        if (columns.isEmpty()) {
            return List.of();
        }
        Pattern pattern = pattern(connection);
        KeyPlan actual = pattern.increment() >= 2 && pattern.offset() <= pattern.increment()
                ? KeyPlan.interleaved((int) pattern.increment(), (int) pattern.offset()) : null;
        List<KeySequence> result = new ArrayList<>();
        for (AutoColumn column : columns) {
            boolean interleaved = actual != null && plan.kind() == KeyKind.INTERLEAVED;
            long next = actual == null ? column.counter() : actual.firstAbove(column.counter() - 1);
            result.add(new KeySequence(column.table(), column.column(), AUTO_INCREMENT,
                    interleaved ? KeyKind.INTERLEAVED.configName() : KeyKind.NONE.configName(), pattern.increment(),
                    next, interleaved ? KeySequence.Action.UNCHANGED : KeySequence.Action.LEFT_ALONE));
        }
        return result;
    }

    /** Makes the server's GLOBAL pattern the plan's; whether it had to change it. */
    private static boolean ensurePattern(Connection connection, AutoColumn first, KeyPlan plan) throws SQLException {
        Pattern pattern = pattern(connection);
        if (plan.hasOffset() && pattern.increment() == plan.step() && pattern.offset() == plan.offset()) {
            return false;
        }
        String name = first.table() + "." + first.column();
        if (!plan.hasOffset()) {
            throw new SiteSetupException("column " + name + " is AUTO_INCREMENT, whose values every site would run "
                    + "through alike; set keys.site.offset to this site's slot (1 to " + plan.step() + ", a different "
                    + "one at every site of the group), or keys.kind=none when the application makes its keys "
                    + "unique itself");
        }
        if (plan.step() > MAX_STEP) {
            throw new SiteSetupException("keys.step is " + plan.step() + ", but MariaDB's auto_increment_increment "
                    + "cannot exceed " + MAX_STEP + "; use a smaller keys.step at every site");
        }
        String settings = "auto_increment_increment=" + plan.step() + " and auto_increment_offset=" + plan.offset();
        try (Statement st = connection.createStatement()) {
            st.execute("SET GLOBAL auto_increment_increment = " + plan.step() + ", auto_increment_offset = "
                    + plan.offset());
        } catch (SQLException e) {
            throw new SiteSetupException("the server runs with auto_increment_increment=" + pattern.increment()
                    + " and auto_increment_offset=" + pattern.offset() + ", and this site's AUTO_INCREMENT keys (e.g. "
                    + name + ") need " + settings + " and the database user may not SET GLOBAL them ("
                    + e.getMessage() + "); put them under [mariadbd] in the server's config file and restart it", e);
        }
        LOG.warn("Set GLOBAL {} (were {} and {}), so that AUTO_INCREMENT keys such as {} are unique in the mesh; "
                + "put them under [mariadbd] in the server's config file too, or a restart loses them; sessions "
                + "opened before keep the old values until they reconnect", settings, pattern.increment(),
                pattern.offset(), name);
        return true;
    }

    private static Pattern pattern(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT @@GLOBAL.auto_increment_increment, @@GLOBAL.auto_increment_offset")) {
            rs.next();
            return new Pattern(rs.getLong(1), rs.getLong(2));
        }
    }

    /** Moves the table's counter above the column's largest value if it is not; returns the counter. */
    private static long raiseCounter(Connection connection, AutoColumn column) throws SQLException {
        long largest = largestValue(connection, column).orElse(0L);
        if (column.counter() > largest) {
            return column.counter();
        }
        try (Statement st = connection.createStatement()) {
            st.execute("ALTER TABLE " + MariaDbCatalog.quote(column.table()) + " AUTO_INCREMENT = " + (largest + 1));
        }
        return largest + 1;
    }

    private static Optional<Long> largestValue(Connection connection, AutoColumn column) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT MAX(" + MariaDbCatalog.quote(column.column()) + ") FROM "
                        + MariaDbCatalog.quote(column.table()))) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(max);
        }
    }

    private static List<AutoColumn> autoColumns(Connection connection, List<TableRef> tables) throws SQLException {
        List<AutoColumn> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(AUTO_INCREMENT_COLUMN)) {
            for (TableRef table : tables) {
                ps.setString(1, table.schema());
                ps.setString(2, table.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long counter = rs.getLong(2);
                        result.add(new AutoColumn(table, rs.getString(1), rs.wasNull() ? 1 : counter));
                    }
                }
            }
        }
        return result;
    }
}
