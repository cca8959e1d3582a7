package io.syncline.connector.source;

import io.syncline.core.ColumnValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Debezium's placeholder for an unavailable value ({@code unavailable.value.placeholder}) out
 * of shipped row images.
 *
 * <p>PostgreSQL does not log a TOASTed value that an update left unchanged; Debezium then puts a
 * placeholder in the new image. The installer sets {@code REPLICA IDENTITY FULL} on every synced
 * table, so the old row is logged whole and Debezium fills such values in from it: the update's
 * {@code before} image is present and its {@code after} image is complete. Only when someone reset
 * the table's replica identity (no {@code before} image) can a placeholder reach the capture; the
 * column is then left out of the change event, which the apply treats as "unchanged": the target
 * keeps its own value. A placeholder next to a {@code before} image is a value someone wrote.
 *
 * <pre>{@code
 * UnavailableValues.strip("public.docs", debeziumValue, columns);   // removes placeholder columns
 * }</pre>
 */
final class UnavailableValues {

    /** Debezium's default {@code unavailable.value.placeholder}, which the capture keeps. */
    static final String PLACEHOLDER = "__debezium_unavailable_value";

    private static final byte[] PLACEHOLDER_BYTES = PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
    private static final Logger LOG = LoggerFactory.getLogger(UnavailableValues.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private UnavailableValues() {
    }

    /**
     * Removes the non-key columns that hold the placeholder from an update's image when the update
     * carries no old row (replica identity not FULL).
     *
     * @return how many columns were removed
     */
    static int strip(String table, Struct value, List<String> keyColumns, Map<String, ColumnValue> columns) {
        if (!"u".equals(value.getString("op")) || value.get("before") != null) {
            return 0;
        }
        int removed = 0;
        Iterator<Map.Entry<String, ColumnValue>> it = columns.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, ColumnValue> column = it.next();
            if (!keyColumns.contains(column.getKey()) && isPlaceholder(column.getValue())) {
                it.remove();
                removed++;
            }
        }
        if (removed > 0 && WARNED.add(table)) {
            LOG.warn("Table {} is not REPLICA IDENTITY FULL: an update left {} large value(s) unchanged that "
                    + "PostgreSQL did not log; they are shipped as unchanged and every other site keeps its own value. "
                    + "Restart the source connector (its installer sets REPLICA IDENTITY FULL) so that rows are "
                    + "always shipped whole", table, removed);
        }
        return removed;
    }

    static boolean isPlaceholder(ColumnValue value) {
        if (value instanceof ColumnValue.TextValue t) {
            return PLACEHOLDER.equals(t.value());
        }
        if (value instanceof ColumnValue.JsonValue j) {
            return PLACEHOLDER.equals(j.value());
        }
        if (value instanceof ColumnValue.BytesValue b) {
            return Arrays.equals(PLACEHOLDER_BYTES, b.value());
        }
        return false;
    }
}
