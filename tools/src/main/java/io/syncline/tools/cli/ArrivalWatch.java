package io.syncline.tools.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Tells how many of a range of bench ids have arrived at a site without counting the whole table at
 * every poll. It keeps a watermark below which every id is known to be there, and each poll counts
 * only the next steps after it, through the primary key. The bench polls every 100 ms; a
 * {@code count(*)} of a table of 400,000 rows at each poll took about 40 % of a core at b, away from
 * the pipeline it measures.
 */
final class ArrivalWatch {

    /** Ids counted in one step past the watermark. */
    static final long STEP = 5_000;

    private final BenchTable table;
    private final long first;
    private final long last;
    private long complete;

    /** Watches ids {@code first} to {@code last}, both included, of {@code table}. */
    ArrivalWatch(BenchTable table, long first, long last) {
        if (last < first) {
            throw new IllegalArgumentException("empty id range " + first + ".." + last);
        }
        this.table = table;
        this.first = first;
        this.last = last;
        this.complete = first - 1;
    }

    /** Ids in the range. */
    long size() {
        return last - first + 1;
    }

    /**
     * At least how many ids of the range are at the site: every id up to the watermark, which this
     * advances as far as whole steps have arrived, plus those of the first incomplete step (ids
     * after it are not counted, so the figure can be low while rows arrive out of id order).
     */
    long arrived(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table.quoted()
                + " WHERE id BETWEEN ? AND ?")) {
            while (complete < last) {
                long to = Math.min(complete + STEP, last);
                ps.setLong(1, complete + 1);
                ps.setLong(2, to);
                long present;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    present = rs.getLong(1);
                }
                if (present < to - complete) {
                    return complete - first + 1 + present;
                }
                complete = to;
            }
        }
        return size();
    }

    /** Whether every id of the range is at the site. */
    boolean all(Connection c) throws SQLException {
        return arrived(c) == size();
    }
}
