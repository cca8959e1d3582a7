package io.syncline.tools.it;

import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One statement at one site of an embedded stack, for the ITs' setup and checks: each call opens its
 * own connection, so a check never sees a transaction of the test's.
 */
final class StackSql {

    /** A check whose failure is shown, not thrown, in a "last seen" message. */
    @FunctionalInterface
    interface Check {
        String get() throws Exception;
    }

    private StackSql() {
    }

    static void execute(EmbeddedStack stack, String site, String sql) throws SQLException {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    /** The first column of the first row, or {@code <no row>}. */
    static String query(EmbeddedStack stack, String site, String sql) throws SQLException {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "<no row>";
        }
    }

    /** {@link #query}, or what went wrong, for a deadline's "last seen". */
    static String quietly(EmbeddedStack stack, String site, String sql) {
        return quietly(() -> query(stack, site, sql));
    }

    /** Waits until the query's answer at the site is {@code expected}. */
    static void awaitRow(EmbeddedStack stack, String site, String sql, String expected) {
        Deadlines.await(site + ": " + sql + " = " + expected, Duration.ofSeconds(90),
                () -> expected.equals(query(stack, site, sql)),
                () -> quietly(() -> query(stack, site, sql) + ", failures " + stack.failures()));
    }

    /** {@code syncline verify} of one table at sites a and b. */
    static TableVerdict verifyAB(EmbeddedStack stack, TableRef table) throws SQLException {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            Map<String, Connection> sites = new LinkedHashMap<>();
            sites.put("a", a);
            sites.put("b", b);
            return MeshVerification.withDefaults().verify(sites, table);
        }
    }

    /** Waits until sites a and b hold the same rows of the table; the last differences say why not. */
    static void awaitEqualAB(EmbeddedStack stack, TableRef table) {
        Deadlines.await(table + " equal at a and b", Duration.ofSeconds(120), () -> verifyAB(stack, table).equal(),
                () -> quietly(() -> verifyAB(stack, table).differences() + ", failures " + stack.failures()));
    }

    /** The check's answer, or what went wrong, for a deadline's "last seen". */
    static String quietly(Check check) {
        try {
            return check.get();
        } catch (Exception e) {
            return "? (" + e.getMessage() + ")";
        }
    }
}
