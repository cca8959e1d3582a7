package io.syncline.conflict;

import io.syncline.core.ColumnValue;
import io.syncline.core.apply.ColumnStamp;
import io.syncline.core.apply.RowState;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last-writer order of row versions: hybrid-clock timestamp, then origin site id, then the
 * origin's sequence. Two different writes never tie on that; for inputs that do (the same write
 * with different data, which a consistent mesh never produces) the data itself breaks the tie, so
 * the order is total and every resolver built on it stays commutative.
 */
final class WriteOrder {

    /** Later writes compare greater. */
    static final Comparator<RowState> LAST_WRITER = Comparator.comparingLong(RowState::hlc)
            .thenComparing(RowState::origin)
            .thenComparingLong(RowState::sequence)
            .thenComparing(WriteOrder::compareData);

    private WriteOrder() {
    }

    /** The later of two versions; either when they are equal. */
    static RowState later(RowState a, RowState b) {
        return LAST_WRITER.compare(a, b) >= 0 ? a : b;
    }

    /** The stamp of a column of a version: its own stamp, or the version's (hlc, origin) when it has none. */
    static ColumnStamp stampOf(RowState version, String column) {
        ColumnStamp stamp = version.columnStamps().get(column);
        return stamp != null ? stamp : new ColumnStamp(version.hlc(), version.origin());
    }

    /** A deletion sorts after a live version; live versions by their columns in name order. */
    private static int compareData(RowState a, RowState b) {
        int byDeleted = Boolean.compare(a.deleted(), b.deleted());
        if (byDeleted != 0) {
            return byDeleted;
        }
        Iterator<Map.Entry<String, ColumnValue>> left = new TreeMap<>(a.columns()).entrySet().iterator();
        Iterator<Map.Entry<String, ColumnValue>> right = new TreeMap<>(b.columns()).entrySet().iterator();
        while (left.hasNext() && right.hasNext()) {
            Map.Entry<String, ColumnValue> l = left.next();
            Map.Entry<String, ColumnValue> r = right.next();
            int byName = l.getKey().compareTo(r.getKey());
            if (byName != 0) {
                return byName;
            }
            int byValue = ColumnOrder.total(l.getValue(), r.getValue());
            if (byValue != 0) {
                return byValue;
            }
        }
        return Boolean.compare(left.hasNext(), right.hasNext());
    }
}
