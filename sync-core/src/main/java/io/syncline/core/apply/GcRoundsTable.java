package io.syncline.core.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The statement on {@code syncline.gc_rounds}: each tombstone collection round a site took part in.
 *
 * <pre>{@code
 * GcRoundsTable.record(connection, "gc-1712345678-abc", 120, 118, "{0=4211, 1=3980}");
 * }</pre>
 */
public final class GcRoundsTable {

    private static final String INSERT = """
            INSERT INTO syncline.gc_rounds (round_id, candidates, collected, applied_offsets)
            VALUES (?, ?, ?, ?)""";

    private GcRoundsTable() {
    }

    /**
     * Records a round in the open transaction.
     *
     * @param appliedOffsets the end offsets every site had applied before the round deleted, as text
     */
    public static void record(Connection connection, String roundId, int candidates, int collected,
            String appliedOffsets) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, roundId);
            ps.setInt(2, candidates);
            ps.setInt(3, collected);
            ps.setString(4, appliedOffsets);
            ps.executeUpdate();
        }
    }
}
