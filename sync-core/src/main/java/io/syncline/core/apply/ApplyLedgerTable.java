package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Every statement on {@code syncline.apply_ledger}, the optional record of every dot a site applied
 * (for audits of exactly-once apply). The same SQL serves every engine.
 *
 * <pre>{@code
 * long applied = ApplyLedgerTable.count(connection);
 * }</pre>
 */
public final class ApplyLedgerTable {

    private static final String INSERT =
            "INSERT INTO syncline.apply_ledger (dot_origin, dot_seq, table_name, pk, vv) VALUES (?, ?, ?, ?, ?)";

    private static final String COUNT = "SELECT count(*) FROM syncline.apply_ledger";

    private ApplyLedgerTable() {
    }

    /** Records that the site applied {@code events}, in the open transaction. */
    static void record(Connection connection, List<ChangeEvent> events) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            for (ChangeEvent e : events) {
                ps.setString(1, e.origin().value());
                ps.setLong(2, e.dot().sequence());
                ps.setString(3, e.table());
                ps.setString(4, e.key());
                ps.setString(5, e.vv().encode());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** How many changes the ledger holds. */
    public static long count(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(COUNT); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }
}
