package io.syncline.conflict;

import io.syncline.core.ColumnValue;
import io.syncline.core.apply.RowState;
import java.util.Comparator;

/**
 * {@code max} and {@code min} (GoldenGate's USEMAX / USEMIN): the version with the larger (or
 * smaller) value of option {@code column} wins whole. Numbers compare numerically whatever their
 * kind, text by code point, times chronologically. A version without a value (deleted, the
 * column NULL or absent) loses to any version with one, for {@code max} and {@code min} alike;
 * two versions without a value, or with equal values ({@code 1} and {@code 1.0}), are decided by
 * last writer.
 *
 * <pre>{@code
 * // conflict.resolver.public.bids=max
 * // conflict.resolver.public.bids.column=amount
 * }</pre>
 */
final class ExtremeValue implements ConflictResolver {

    static final String MAX = "max";
    static final String MIN = "min";
    static final String COLUMN = "column";

    private final String name;
    private final boolean largest;
    private Comparator<RowState> order;

    private ExtremeValue(String name, boolean largest) {
        this.name = name;
        this.largest = largest;
    }

    static ExtremeValue max() {
        return new ExtremeValue(MAX, true);
    }

    static ExtremeValue min() {
        return new ExtremeValue(MIN, false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void configure(ResolverSettings settings) {
        String column = settings.string(COLUMN);
        Comparator<RowState> byValue = (a, b) -> compareValues(a.columns().get(column), b.columns().get(column));
        order = byValue.thenComparing(WriteOrder.LAST_WRITER);
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        if (order == null) {
            throw new IllegalStateException("resolver " + name + " was not configured: it needs option " + COLUMN);
        }
        return order.compare(a, b) >= 0 ? a : b;
    }

    /** Greater means "wins": having a value first, then the larger (max) or smaller (min) one. */
    private int compareValues(ColumnValue a, ColumnValue b) {
        boolean hasA = a != null && !(a instanceof ColumnValue.NullValue);
        boolean hasB = b != null && !(b instanceof ColumnValue.NullValue);
        if (!hasA || !hasB) {
            return Boolean.compare(hasA, hasB);
        }
        int c = ColumnOrder.compare(a, b);
        return largest ? c : -c;
    }
}
