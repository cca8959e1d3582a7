package io.syncline.core.apply;

import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.util.Map;
import java.util.Objects;

/**
 * The version of a row held at a site: its meta entry.
 *
 * @param vv the row's version vector (empty when the site has never seen the row)
 * @param hlc hybrid-clock timestamp of the write that produced the row's current state
 * @param origin site of that write, or {@code null} when there is no version
 * @param sequence that write's sequence at its origin (0 when none)
 * @param deleted whether the row is a tombstone
 * @param columnStamps per-column clocks, for tables resolved column by column
 * @param counters per counter column, each site's contribution, for tables with counters
 */
public record RowVersion(VersionVector vv, long hlc, SiteId origin, long sequence, boolean deleted,
        Map<String, ColumnStamp> columnStamps, Map<String, Map<SiteId, Long>> counters) {

    /** No version: the row was never seen here. */
    public static final RowVersion NONE = new RowVersion(VersionVector.empty(), 0, null, 0, true);

    public RowVersion {
        Objects.requireNonNull(vv, "vv");
        columnStamps = Map.copyOf(columnStamps);
        counters = Map.copyOf(counters);
    }

    /** A version without per-column clocks or counters. */
    public RowVersion(VersionVector vv, long hlc, SiteId origin, long sequence, boolean deleted) {
        this(vv, hlc, origin, sequence, deleted, Map.of(), Map.of());
    }

    public boolean exists() {
        return origin != null;
    }
}
