package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Row-image helpers the settling rules ({@link ParentDeleteWins}, {@link UniqueKeyConflicts}) share. */
final class RowImages {

    private RowImages() {
    }

    /**
     * The values of {@code columns} in {@code row}, or null when one is absent or NULL (such a value
     * references, and collides with, nothing).
     */
    static List<ColumnValue> valuesOf(Map<String, ColumnValue> row, List<String> columns) {
        List<ColumnValue> values = new ArrayList<>(columns.size());
        for (String column : columns) {
            ColumnValue value = row.get(column);
            if (value == null || value instanceof ColumnValue.NullValue) {
                return null;
            }
            values.add(value);
        }
        return values;
    }

    /** The deletion of the event's key, with the event's version: the key columns only. */
    static ChangeEvent deletionOf(ChangeEvent event) {
        Map<String, ColumnValue> key = new LinkedHashMap<>();
        for (String column : event.keyColumns()) {
            key.put(column, event.columns().get(column));
        }
        return withColumns(event, ChangeEvent.Op.DELETE, key);
    }

    /** The event with another operation and columns, its version unchanged. */
    static ChangeEvent withColumns(ChangeEvent event, ChangeEvent.Op op, Map<String, ColumnValue> columns) {
        return new ChangeEvent(event.table(), event.key(), op, event.keyColumns(), columns, event.vv(), event.dot(),
                event.hlc(), event.commitTimeMicros(), event.sourcePosition(), event.columnStamps(),
                event.counters());
    }
}
