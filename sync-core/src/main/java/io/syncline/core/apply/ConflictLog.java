package io.syncline.core.apply;

import io.syncline.core.RowId;
import io.syncline.core.SiteId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The conflicts of one apply batch, written to {@code syncline.conflicts} in the batch's own
 * transaction: both versions with their vectors and origins, the result, the winner and the rule.
 * The site's capture ships every row of that table to the {@code <group>.conflicts} topic.
 */
final class ConflictLog {

    /** The rule whose conflicts wait for a person. */
    static final String MANUAL_RULE = "manual";

    record Entry(RowId row, ConflictType type, RowState local, RowState incoming, Resolution resolution) {

        /** The entry as the batch's outcome reports it. */
        LoggedConflict logged() {
            return new LoggedConflict(row.table(), row.key(), type, resolution.rule());
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    void add(Entry entry) {
        entries.add(entry);
    }

    int size() {
        return entries.size();
    }

    /** The entries added so far, as the batch's outcome reports them. */
    List<LoggedConflict> logged() {
        return entries.stream().map(Entry::logged).toList();
    }

    /** Writes the entries untagged by {@code origin}, so the site's capture ships them to the conflicts topic. */
    void write(Dialect dialect, Connection connection, SiteId site, ApplyOrigin origin) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        boolean tagged = origin.entered();
        origin.leave(connection);
        try {
            write(dialect, connection, site);
        } finally {
            if (tagged) {
                origin.enter(connection);
            }
        }
    }

    void write(Dialect dialect, Connection connection, SiteId site) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(dialect.conflictSql())) {
            for (Entry e : entries) {
                RowState result = e.resolution().result();
                int i = 1;
                ps.setString(i++, e.row().table());
                ps.setString(i++, e.row().key());
                ps.setString(i++, e.type().label());
                ps.setString(i++, e.resolution().rule());
                ps.setString(i++, e.resolution().winner().name().toLowerCase(Locale.ROOT));
                ps.setString(i++, site.value());
                i = version(ps, i, e.local());
                i = version(ps, i, e.incoming());
                ps.setString(i++, result.vv().encode());
                ps.setBoolean(i++, result.deleted());
                ps.setString(i++, result.deleted() ? null : ColumnJson.render(result.columns()));
                ps.setString(i, MANUAL_RULE.equals(e.resolution().rule()) ? "parked" : "resolved");
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static int version(PreparedStatement ps, int i, RowState v) throws SQLException {
        ps.setString(i++, v.origin().value());
        ps.setLong(i++, v.sequence());
        ps.setLong(i++, v.hlc());
        ps.setString(i++, v.vv().encode());
        ps.setBoolean(i++, v.deleted());
        ps.setString(i++, v.deleted() ? null : ColumnJson.render(v.columns()));
        return i;
    }
}
