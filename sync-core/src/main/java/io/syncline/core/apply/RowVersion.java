package io.syncline.core.apply;

import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.util.Objects;

/**
 * The version of a row held at a site: its meta entry.
 *
 * @param vv the row's version vector (empty when the site has never seen the row)
 * @param hlc hybrid-clock timestamp of the write that produced the row's current state
 * @param origin site of that write, or {@code null} when there is no version
 * @param sequence that write's sequence at its origin (0 when none)
 * @param deleted whether the row is a tombstone
 */
public record RowVersion(VersionVector vv, long hlc, SiteId origin, long sequence, boolean deleted) {

    /** No version: the row was never seen here. */
    public static final RowVersion NONE = new RowVersion(VersionVector.empty(), 0, null, 0, true);

    public RowVersion {
        Objects.requireNonNull(vv, "vv");
    }

    public boolean exists() {
        return origin != null;
    }
}
