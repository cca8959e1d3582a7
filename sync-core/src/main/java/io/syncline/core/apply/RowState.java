package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One version of a row as conflict resolution sees it: its data (or its deletion) and its
 * metadata. The version written at a site and the one arriving from another are both RowStates.
 *
 * @param deleted whether this version deletes the row
 * @param columns the row's column values in table order; empty when deleted
 * @param vv the version vector of this version
 * @param hlc hybrid-clock timestamp of the write that made this version
 * @param origin the site of that write
 * @param sequence that write's sequence at its origin
 * @param columnStamps per column, when and where it was last written (for per-column resolution);
 *     empty when the table does not track columns
 * @param counters per counter column, each site's cumulative change of it (for delta resolution);
 *     empty when the table has no counter columns
 */
public record RowState(boolean deleted, Map<String, ColumnValue> columns, VersionVector vv, long hlc, SiteId origin,
        long sequence, Map<String, ColumnStamp> columnStamps, Map<String, Map<SiteId, Long>> counters) {

    public RowState {
        Objects.requireNonNull(vv, "vv");
        Objects.requireNonNull(origin, "origin");
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        columnStamps = Map.copyOf(columnStamps);
        Map<String, Map<SiteId, Long>> copy = new LinkedHashMap<>();
        counters.forEach((column, bySite) -> copy.put(column, Map.copyOf(bySite)));
        counters = Collections.unmodifiableMap(copy);
        if (deleted && !columns.isEmpty()) {
            throw new IllegalArgumentException("a deleted row version carries no columns, got " + columns.keySet());
        }
    }

    /** A live version with only data and metadata, no column stamps or counters. */
    public static RowState of(Map<String, ColumnValue> columns, VersionVector vv, long hlc, SiteId origin,
            long sequence) {
        return new RowState(false, columns, vv, hlc, origin, sequence, Map.of(), Map.of());
    }

    /** A deletion. */
    public static RowState deletion(VersionVector vv, long hlc, SiteId origin, long sequence) {
        return new RowState(true, Map.of(), vv, hlc, origin, sequence, Map.of(), Map.of());
    }

    /** The same version with another vector (e.g. the join after a merge). */
    public RowState withVv(VersionVector newVv) {
        return new RowState(deleted, columns, newVv, hlc, origin, sequence, columnStamps, counters);
    }

    /** Whether this is the version written by the same write as {@code other} (same dot and state). */
    public boolean sameWrite(RowState other) {
        return origin.equals(other.origin) && sequence == other.sequence && hlc == other.hlc
                && deleted == other.deleted && columns.equals(other.columns);
    }
}
