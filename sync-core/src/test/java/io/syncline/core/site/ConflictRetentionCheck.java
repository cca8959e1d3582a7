package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.apply.Engine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The conflict-log retention at a real site of either engine: by age (the database's clock) and by
 * count, resolved entries only; a parked conflict stays whatever its age.
 */
final class ConflictRetentionCheck {

    private ConflictRetentionCheck() {
    }

    /** {@code daysAgo} is the engine's expression for "now minus N days", with {@code %d} for N. */
    static void resolvedEntriesGoByAgeAndCountParkedOnesStay(Connection c, Engine engine, String daysAgo)
            throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM syncline.conflicts");
            for (int i = 0; i < 3; i++) {
                st.executeUpdate(entry("old-" + i, "resolved", String.format(daysAgo, 40)));
            }
            st.executeUpdate(entry("old-parked", "parked", String.format(daysAgo, 40)));
            for (int i = 0; i < 4; i++) {
                st.executeUpdate(entry("new-" + i, "resolved", String.format(daysAgo, 1)));
            }
        }
        c.commit();

        assertThat(ConflictsTable.purge(c, engine, Duration.ofDays(30), -1)).isEqualTo(3);
        assertThat(keys(c)).isEqualTo("new-0,new-1,new-2,new-3,old-parked");

        assertThat(ConflictsTable.purge(c, engine, null, 2)).isEqualTo(2);
        assertThat(keys(c)).as("the newest two resolved, and the parked one").isEqualTo("new-2,new-3,old-parked");

        assertThat(ConflictsTable.purge(c, engine, Duration.ofDays(30), 2)).as("nothing more to delete").isZero();
        assertThat(ConflictsTable.purge(c, engine, Duration.ZERO, 0)).isEqualTo(2);
        assertThat(keys(c)).isEqualTo("old-parked");
    }

    private static String entry(String pk, String status, String detectedAt) {
        return "INSERT INTO syncline.conflicts (detected_at, table_name, pk, conflict_type, rule, winner, "
                + "resolved_at_site, local_origin, local_seq, local_hlc, local_vv, local_deleted, incoming_origin, "
                + "incoming_seq, incoming_hlc, incoming_vv, incoming_deleted, result_vv, result_deleted, status) "
                + "VALUES (" + detectedAt + ", 'public.t', '" + pk + "', 'update/update', 'last-writer-wins', "
                + "'local', 'a', 'a', 1, 1, 'a:1', false, 'b', 1, 1, 'b:1', false, 'a:1,b:1', false, '" + status + "')";
    }

    private static String keys(Connection c) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pk FROM syncline.conflicts ORDER BY pk")) {
            while (rs.next()) {
                out.append(out.length() == 0 ? "" : ",").append(rs.getString(1));
            }
        }
        c.commit();
        return out.toString();
    }
}
