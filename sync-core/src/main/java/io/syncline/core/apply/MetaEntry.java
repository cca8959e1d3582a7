package io.syncline.core.apply;

import io.syncline.core.RowId;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * One entry of {@code syncline.row_meta}: a row and the version the site holds of it. This is the one
 * mapping between an entry and its columns, which every meta statement lists in the same order:
 * {@code table_name, pk, vv, hlc, origin, seq, deleted, col_stamps, counters} (the last two as JSON
 * text). An entry with an empty origin is a placeholder, written only to lock a row no site has
 * written yet; it reads as {@link RowVersion#NONE}.
 *
 * <pre>{@code
 * MetaEntry entry = MetaEntry.read(resultSet);   // columns 1 to 9
 * entry.bind(statement);                         // parameters 1 to 9
 * }</pre>
 *
 * @param id the row
 * @param version its version at the site
 */
public record MetaEntry(RowId id, RowVersion version) {

    public MetaEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Reads the entry from columns 1 to 9 of the current row.
     *
     * @throws IllegalArgumentException when the stored vector, origin or JSON is malformed
     */
    public static MetaEntry read(ResultSet rs) throws SQLException {
        RowId id = new RowId(rs.getString(1), rs.getString(2));
        String origin = rs.getString(5);
        if (origin.isEmpty()) {
            return new MetaEntry(id, RowVersion.NONE);
        }
        return new MetaEntry(id, new RowVersion(VersionVector.parse(rs.getString(3)), rs.getLong(4),
                SiteId.of(origin), rs.getLong(6), rs.getBoolean(7), MetaJson.parseStamps(rs.getString(8)),
                MetaJson.parseCounters(rs.getString(9))));
    }

    /** Binds the entry as parameters 1 to 9. */
    public void bind(PreparedStatement ps) throws SQLException {
        ps.setString(1, id.table());
        ps.setString(2, id.key());
        ps.setString(3, vvText());
        ps.setLong(4, version.hlc());
        ps.setString(5, originText());
        ps.setLong(6, version.sequence());
        ps.setBoolean(7, version.deleted());
        ps.setString(8, stampsJson());
        ps.setString(9, countersJson());
    }

    /** The vector as stored. */
    public String vvText() {
        return version.vv().encode();
    }

    /** The origin as stored: empty for no version. */
    public String originText() {
        return version.origin() == null ? "" : version.origin().value();
    }

    String stampsJson() {
        return MetaJson.stamps(version.columnStamps());
    }

    String countersJson() {
        return MetaJson.counters(version.counters());
    }
}
