package io.syncline.connector.metrics;

import io.syncline.core.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the type and rule of a committed batch's conflicts back from the site's
 * {@code syncline.conflicts}: the apply result counts conflicts but does not name them. A conflict
 * row is found by the dot of the incoming change (unique: a change conflicts at most once per site),
 * scanning the log backwards from its newest rows and stopping at the batch's conflict count, so a
 * long log costs nothing. Only batches with conflicts pay this one query.
 */
final class ConflictTally {

    /** The type and rule of one logged conflict. */
    record Logged(long id, String type, String rule) {
    }

    private static final String SELECT = """
            SELECT c.id, c.conflict_type, c.rule
              FROM syncline.conflicts c
             WHERE c.id > ? AND c.resolved_at_site = ?
               AND (c.incoming_origin, c.incoming_seq) IN (SELECT o, s FROM unnest(?, ?) AS d(o, s))
             ORDER BY c.id DESC
             LIMIT ?""";

    /** The same query with the dots as a list of row values, for engines without arrays (MariaDB). */
    private static String rowListSelect(int dots) {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < dots; i++) {
            in.append(i == 0 ? "" : ", ").append("(?, ?)");
        }
        return "SELECT c.id, c.conflict_type, c.rule FROM syncline.conflicts c WHERE c.id > ? AND c.resolved_at_site = ?"
                + " AND (c.incoming_origin, c.incoming_seq) IN (" + in + ") ORDER BY c.id DESC LIMIT ?";
    }

    private final String site;
    /** Every conflict row of an earlier batch of this task has an id at most this. */
    private long floor;

    ConflictTally(String site) {
        this.site = site;
    }

    /**
     * The conflicts the batch of {@code events} logged, at most {@code expected}; the transaction
     * this opens is ended before returning.
     */
    List<Logged> read(Connection connection, List<ChangeEvent> events, int expected) throws SQLException {
        if (expected <= 0 || events.isEmpty()) {
            return List.of();
        }
        String[] origins = new String[events.size()];
        Long[] sequences = new Long[events.size()];
        for (int i = 0; i < events.size(); i++) {
            origins[i] = events.get(i).dot().origin().value();
            sequences[i] = events.get(i).dot().sequence();
        }
        List<Logged> logged = new ArrayList<>();
        boolean postgres = connection.getMetaData().getURL().startsWith("jdbc:postgresql:");
        try (PreparedStatement ps = connection.prepareStatement(postgres ? SELECT : rowListSelect(events.size()))) {
            ps.setLong(1, floor);
            ps.setString(2, site);
            if (postgres) {
                ps.setArray(3, connection.createArrayOf("text", origins));
                ps.setArray(4, connection.createArrayOf("bigint", sequences));
                ps.setInt(5, expected);
            } else {
                int i = 3;
                for (int e = 0; e < origins.length; e++) {
                    ps.setString(i++, origins[e]);
                    ps.setLong(i++, sequences[e]);
                }
                ps.setInt(i, expected);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    logged.add(new Logged(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        }
        for (Logged l : logged) {
            floor = Math.max(floor, l.id());
        }
        return logged;
    }
}
