package io.syncline.conflict;

import io.syncline.core.ColumnValue;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ColumnStamp;
import io.syncline.core.apply.RowState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Builds row versions for tests: {@code version("east", 10).col("qty", 5).build()}. */
final class VersionBuilder {

    private final SiteId origin;
    private final long hlc;
    private long sequence = 1;
    private VersionVector vv;
    private boolean deleted;
    private final Map<String, ColumnValue> columns = new LinkedHashMap<>();
    private final Map<String, ColumnStamp> stamps = new LinkedHashMap<>();
    private final Map<String, Map<SiteId, Long>> counters = new LinkedHashMap<>();

    private VersionBuilder(String origin, long hlc) {
        this.origin = SiteId.of(origin);
        this.hlc = hlc;
    }

    /** A live version written at {@code origin} at {@code hlc}, sequence 1, vector {origin:1}. */
    static VersionBuilder version(String origin, long hlc) {
        return new VersionBuilder(origin, hlc);
    }

    VersionBuilder seq(long value) {
        sequence = value;
        return this;
    }

    VersionBuilder vv(String text) {
        vv = VersionVector.parse(text);
        return this;
    }

    VersionBuilder deleted() {
        deleted = true;
        return this;
    }

    VersionBuilder col(String name, ColumnValue value) {
        columns.put(name, value);
        return this;
    }

    VersionBuilder col(String name, long value) {
        return col(name, ColumnValue.of(value));
    }

    VersionBuilder col(String name, String value) {
        return col(name, ColumnValue.of(value));
    }

    VersionBuilder stamp(String column, long stampHlc, String site) {
        stamps.put(column, new ColumnStamp(stampHlc, SiteId.of(site)));
        return this;
    }

    VersionBuilder counter(String column, String site, long cumulative) {
        counters.computeIfAbsent(column, c -> new TreeMap<>()).put(SiteId.of(site), cumulative);
        return this;
    }

    RowState build() {
        VersionVector vector = vv != null ? vv : VersionVector.empty().with(origin, sequence);
        return new RowState(deleted, columns, vector, hlc, origin, sequence, stamps, counters);
    }
}
