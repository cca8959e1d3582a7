package io.syncline.core.site;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code syncline.tracked_tables} of a MariaDB site: what each table's capture triggers keep besides
 * the row version. Options are only ever added: an installation without resolver settings (a source
 * connector's) keeps what a sink's installation asked for.
 */
final class TrackedTables {

    private TrackedTables() {
    }

    /** The table's recorded options joined with {@code requested}, recorded when they grew. */
    static Set<String> merge(Connection connection, TableRef table, Set<String> requested) throws SQLException {
        Set<String> recorded = new TreeSet<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT options FROM syncline.tracked_tables WHERE table_name = ?")) {
            ps.setString(1, table.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !rs.getString(1).isEmpty()) {
                    recorded.addAll(Arrays.asList(rs.getString(1).split(",")));
                }
            }
        }
        Set<String> all = new TreeSet<>(recorded);
        all.addAll(requested);
        if (!all.equals(recorded)) {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO syncline.tracked_tables "
                    + "(table_name, options) VALUES (?, ?) ON DUPLICATE KEY UPDATE options = VALUES(options)")) {
                ps.setString(1, table.toString());
                ps.setString(2, String.join(",", all));
                ps.executeUpdate();
            }
        }
        return all;
    }
}
