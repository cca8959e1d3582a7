package io.syncline.conflict;

import io.syncline.core.ColumnValue;
import io.syncline.core.apply.ColumnStamp;
import io.syncline.core.apply.RowState;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code column-last-writer-wins}: a CRDT map of last-writer registers, one per column. Each column
 * takes the value whose {@link ColumnStamp} is larger (a version without a stamp for a column
 * stamps it with its own hlc and origin), so concurrent changes of different columns both survive.
 *
 * <p>Whether the row exists is decided by last writer on the whole versions. A deletion also
 * counts as writing NULL to every column at its own stamp (as a row tombstone does in Cassandra):
 * when a newer concurrent update keeps the row alive, the columns that update did not write after
 * the deletion come out NULL. That is what makes the merge associative: a deleted version carries
 * no column values, so values older than a deletion cannot be told apart from values that never
 * existed. A winning deletion is returned whole.
 *
 * <p>A live result carries a stamp for every column and the hlc, origin, sequence and counters of
 * the last-writer version. Live versions of a table are expected to carry all its columns.
 *
 * <pre>{@code
 * // conflict.resolver.public.customers=column-last-writer-wins
 * // east sets email at t=5, west sets phone at t=6: both changes are kept.
 * }</pre>
 */
final class ColumnLastWriterWins implements ConflictResolver {

    static final String NAME = "column-last-writer-wins";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        RowState row = WriteOrder.later(a, b);
        if (row.deleted()) {
            return row;
        }
        Set<String> names = new LinkedHashSet<>(row.columns().keySet());
        names.addAll(a.columns().keySet());
        names.addAll(b.columns().keySet());
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        Map<String, ColumnStamp> stamps = new LinkedHashMap<>();
        for (String column : names) {
            Cell left = Cell.of(a, column);
            Cell right = Cell.of(b, column);
            Cell cell = left == null ? right : right == null ? left : left.compareTo(right) >= 0 ? left : right;
            columns.put(column, cell.value);
            stamps.put(column, cell.stamp);
        }
        return new RowState(false, columns, row.vv(), row.hlc(), row.origin(), row.sequence(), stamps,
                row.counters());
    }

    /** One column's register: its value and the stamp of the write that set it. */
    private record Cell(ColumnStamp stamp, ColumnValue value) implements Comparable<Cell> {

        /** The version's register for the column; a deletion's is NULL at its own stamp; null if absent. */
        static Cell of(RowState version, String column) {
            if (version.deleted()) {
                return new Cell(new ColumnStamp(version.hlc(), version.origin()), ColumnValue.NULL);
            }
            ColumnValue value = version.columns().get(column);
            return value == null ? null : new Cell(WriteOrder.stampOf(version, column), value);
        }

        @Override
        public int compareTo(Cell other) {
            int byStamp = stamp.compareTo(other.stamp);
            // Equal stamps with different values only come from inconsistent input; stay deterministic.
            return byStamp != 0 ? byStamp : ColumnOrder.total(value, other.value);
        }
    }
}
