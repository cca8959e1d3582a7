package io.syncline.conflict;

import io.syncline.core.ColumnValue;
import io.syncline.core.SiteId;
import io.syncline.core.apply.RowState;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code delta}: the counter columns of option {@code columns} add up concurrent changes instead
 * of losing all but one (a PN-counter). {@link RowState#counters()} holds, per counter column,
 * each site's cumulative change of it. Per site, the merge keeps the entry of the version that
 * saw more of that site's writes (larger {@code vv.get(site)}); the column's value is then
 * {@code base + sum(entries)}, where {@code base = value - sum(entries)} of the last-writer version.
 * Everything else, and whether the row exists, is last-writer-wins; a deletion that wins keeps
 * the merged counters, so increments seen before it are not lost if the row comes back.
 *
 * <p>Counter columns hold integers or decimals (the entries are whole units); NULL stays NULL.
 *
 * <pre>{@code
 * // conflict.resolver.public.stock=delta
 * // conflict.resolver.public.stock.columns=qty
 * // qty 10 everywhere; east adds 3, west adds 5 concurrently: both sites end with 18.
 * }</pre>
 */
final class CounterDelta implements ConflictResolver {

    static final String NAME = "delta";
    static final String COLUMNS = "columns";

    private List<String> columns;
    private String table = "";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void configure(ResolverSettings settings) {
        columns = settings.list(COLUMNS);
        table = settings.table();
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        if (columns == null) {
            throw new IllegalStateException("resolver delta was not configured: it needs option " + COLUMNS);
        }
        RowState row = WriteOrder.later(a, b);
        Map<String, Map<SiteId, Long>> counters = new LinkedHashMap<>(row.counters());
        Map<String, ColumnValue> values = new LinkedHashMap<>(row.columns());
        for (String column : columns) {
            Map<SiteId, Long> merged = mergeEntries(a, b, column);
            if (merged.isEmpty()) {
                counters.remove(column);
            } else {
                counters.put(column, merged);
            }
            ColumnValue value = row.columns().get(column);
            if (value != null && !(value instanceof ColumnValue.NullValue)) {
                values.put(column, rebase(column, value, row.counters().getOrDefault(column, Map.of()), merged));
            }
        }
        return new RowState(row.deleted(), values, row.vv(), row.hlc(), row.origin(), row.sequence(),
                row.columnStamps(), counters);
    }

    /** Per site, the entry of the version that saw more of that site's writes. */
    private static Map<SiteId, Long> mergeEntries(RowState a, RowState b, String column) {
        Map<SiteId, Long> left = a.counters().getOrDefault(column, Map.of());
        Map<SiteId, Long> right = b.counters().getOrDefault(column, Map.of());
        TreeSet<SiteId> sites = new TreeSet<>(left.keySet());
        sites.addAll(right.keySet());
        Map<SiteId, Long> merged = new TreeMap<>();
        for (SiteId site : sites) {
            long seenA = a.vv().get(site);
            long seenB = b.vv().get(site);
            Long entryA = left.get(site);
            Long entryB = right.get(site);
            Long entry;
            if (seenA != seenB) {
                entry = seenA > seenB ? entryA : entryB;
            } else {
                // Versions that saw the same writes agree; if input disagrees, stay deterministic.
                entry = entryA == null ? entryB : entryB == null ? entryA : Math.max(entryA, entryB);
            }
            if (entry != null) {
                merged.put(site, entry);
            }
        }
        return merged;
    }

    private ColumnValue rebase(String column, ColumnValue value, Map<SiteId, Long> own, Map<SiteId, Long> merged) {
        try {
            if (value instanceof ColumnValue.IntegerValue integer) {
                long base = Math.subtractExact(integer.value(), sum(own));
                return ColumnValue.of(Math.addExact(base, sum(merged)));
            }
            if (value instanceof ColumnValue.DecimalValue decimal) {
                BigDecimal base = decimal.value().subtract(BigDecimal.valueOf(sum(own)));
                return ColumnValue.of(base.add(BigDecimal.valueOf(sum(merged))));
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("counter column " + column + where() + " overflows a 64-bit integer"
                    + " when its concurrent changes are added", e);
        }
        throw new IllegalArgumentException("counter column " + column + where() + " holds a "
                + value.getClass().getSimpleName() + "; resolver delta adds integers or decimals only: remove it from "
                + new ResolverSettings(table, Map.of()).key(COLUMNS));
    }

    private String where() {
        return table.isEmpty() ? "" : " of " + table;
    }

    private static long sum(Map<SiteId, Long> entries) {
        long total = 0;
        for (long entry : entries.values()) {
            total = Math.addExact(total, entry);
        }
        return total;
    }
}
