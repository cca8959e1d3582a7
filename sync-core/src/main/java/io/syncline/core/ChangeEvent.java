package io.syncline.core;

import io.syncline.core.apply.ColumnStamp;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row's new state, or its deletion, after one source transaction, with the metadata that
 * lets every other site apply it exactly once and detect conflicts.
 *
 * <p>The columns keep their order. A {@code DELETE} may carry only the key columns. Every key
 * column is present and not {@code NULL}, and the version vector always includes the event's
 * own dot.
 *
 * <pre>{@code
 * SiteId east = SiteId.of("east");
 * Dot dot = new Dot(east, 7);
 * ChangeEvent event = new ChangeEvent("public.orders", "42", ChangeEvent.Op.UPSERT, List.of("id"),
 *         Map.of("id", ColumnValue.of(42L)), VersionVector.empty().with(east, 7), dot,
 *         clock.now(), 0L, "0/16B3748");
 * event.origin();   // east
 * }</pre>
 *
 * @param table the schema-qualified table name, e.g. {@code public.orders}
 * @param key the canonical text of the row's primary key, not empty
 * @param op whether the row was written or deleted
 * @param keyColumns the primary-key column names, not empty
 * @param columns the column values in table order (copied, unmodifiable)
 * @param vv the row's version vector after this write
 * @param dot the name of this write
 * @param hlc the hybrid logical clock timestamp of this write, see {@link HybridClock}
 * @param commitTimeMicros the source commit time in microseconds since the epoch, 0 if unknown
 * @param sourcePosition the source's opaque position of the change (e.g. an LSN), may be empty
 * @param columnStamps per-column clocks of the row, for tables resolved column by column (else empty)
 * @param counters per counter column, each site's contribution, for tables with counters (else empty)
 */
public record ChangeEvent(
        String table,
        String key,
        Op op,
        List<String> keyColumns,
        Map<String, ColumnValue> columns,
        VersionVector vv,
        Dot dot,
        long hlc,
        long commitTimeMicros,
        String sourcePosition,
        Map<String, ColumnStamp> columnStamps,
        Map<String, Map<SiteId, Long>> counters) {

    /** An event of a table without per-column clocks or counters. */
    public ChangeEvent(String table, String key, Op op, List<String> keyColumns, Map<String, ColumnValue> columns,
            VersionVector vv, Dot dot, long hlc, long commitTimeMicros, String sourcePosition) {
        this(table, key, op, keyColumns, columns, vv, dot, hlc, commitTimeMicros, sourcePosition, Map.of(), Map.of());
    }

    /** What happened to the row. */
    public enum Op {
        /** The row was inserted or updated; the columns hold its new state. */
        UPSERT,
        /** The row was deleted; the columns hold at least its key. */
        DELETE
    }

    /** Checks and copies the parts; see the type's description for the rules. */
    public ChangeEvent {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException(
                    "change event table is missing: name it with its schema, e.g. public.orders");
        }
        int dotAt = table.indexOf('.');
        if (dotAt <= 0 || dotAt == table.length() - 1) {
            throw new IllegalArgumentException("change event table '" + table
                    + "' is not schema-qualified: name it with its schema, e.g. public.orders");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("change event for " + table + " has no key: give the primary key text");
        }
        WellFormedText.require("change event key of " + table, key);
        String where = "change event " + table + "[" + key + "]";
        if (op == null) {
            throw new IllegalArgumentException(where + " has no op: use UPSERT or DELETE");
        }
        keyColumns = copyKeyColumns(where, keyColumns);
        columns = copyColumns(where, columns, keyColumns);
        if (vv == null) {
            throw new IllegalArgumentException(where + " has no version vector");
        }
        if (dot == null) {
            throw new IllegalArgumentException(where + " has no dot");
        }
        if (vv.get(dot.origin()) < dot.sequence()) {
            throw new IllegalArgumentException(where + ": version vector " + vv + " does not include its own dot "
                    + dot + "; a version always includes the write that made it");
        }
        if (hlc < 0) {
            throw new IllegalArgumentException(where + ": hlc was " + hlc + ", must be 0 or more");
        }
        if (commitTimeMicros < 0) {
            throw new IllegalArgumentException(where + ": commitTimeMicros was " + commitTimeMicros
                    + ", must be 0 (unknown) or more");
        }
        if (sourcePosition == null) {
            throw new IllegalArgumentException(where + ": sourcePosition is null: use \"\" when there is none");
        }
        columnStamps = columnStamps == null ? Map.of() : Map.copyOf(columnStamps);
        Map<String, Map<SiteId, Long>> countersCopy = new LinkedHashMap<>();
        if (counters != null) {
            counters.forEach((column, bySite) -> countersCopy.put(column, Map.copyOf(bySite)));
        }
        counters = Collections.unmodifiableMap(countersCopy);
    }

    private static List<String> copyKeyColumns(String where, List<String> keyColumns) {
        if (keyColumns == null || keyColumns.isEmpty()) {
            throw new IllegalArgumentException(where + " has no key columns: name the primary-key columns");
        }
        Set<String> seen = new HashSet<>();
        for (String name : keyColumns) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(where + " has an empty key column name in " + keyColumns);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(where + " names key column '" + name + "' twice");
            }
        }
        return List.copyOf(keyColumns);
    }

    private static Map<String, ColumnValue> copyColumns(String where, Map<String, ColumnValue> columns,
            List<String> keyColumns) {
        if (columns == null) {
            throw new IllegalArgumentException(where + " has no columns map: give at least the key columns");
        }
        LinkedHashMap<String, ColumnValue> copy = new LinkedHashMap<>(Math.max(4, columns.size() * 4 / 3 + 1));
        for (Map.Entry<String, ColumnValue> entry : columns.entrySet()) {
            String name = entry.getKey();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(where + " has a column with an empty name");
            }
            if (entry.getValue() == null) {
                throw new IllegalArgumentException(where + ": column '" + name
                        + "' is null; use ColumnValue.NULL for SQL NULL");
            }
            copy.put(name, entry.getValue());
        }
        for (String name : keyColumns) {
            ColumnValue value = copy.get(name);
            if (value == null) {
                throw new IllegalArgumentException(where + ": key column '" + name + "' is missing from the columns");
            }
            if (value instanceof ColumnValue.NullValue) {
                throw new IllegalArgumentException(where + ": key column '" + name + "' is NULL");
            }
        }
        return Collections.unmodifiableMap(copy);
    }

    /** The row this event writes. */
    public RowId rowId() {
        return new RowId(table, key);
    }

    /** Returns the site the write was made at, the origin of its dot. */
    public SiteId origin() {
        return dot.origin();
    }

    /** Names the event without its column values, which do not belong in logs. */
    @Override
    public String toString() {
        return "ChangeEvent[" + table + "[" + key + "] " + op + " dot=" + dot + " vv=" + vv + " hlc=" + hlc
                + " columns=" + columns.keySet() + " commitTimeMicros=" + commitTimeMicros
                + " sourcePosition=" + sourcePosition + "]";
    }
}
