package io.syncline.core.apply;

import io.syncline.core.SiteId;
import java.util.Objects;

/**
 * When and where one column of a row was last written: its hybrid-clock timestamp and site.
 * Ordered by timestamp, then site id, so any two stamps have a winner.
 */
public record ColumnStamp(long hlc, SiteId site) implements Comparable<ColumnStamp> {

    public ColumnStamp {
        Objects.requireNonNull(site, "site");
    }

    @Override
    public int compareTo(ColumnStamp other) {
        int byTime = Long.compare(hlc, other.hlc);
        return byTime != 0 ? byTime : site.compareTo(other.site);
    }
}
