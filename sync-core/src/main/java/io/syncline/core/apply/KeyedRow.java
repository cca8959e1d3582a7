package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A row read from a site's table with the canonical text of its primary key (the text its meta
 * entry is stored under, see {@code KeyText}).
 *
 * @param key the canonical key text
 * @param columns every column's value, in table order
 */
public record KeyedRow(String key, Map<String, ColumnValue> columns) {

    public KeyedRow {
        Objects.requireNonNull(key, "key");
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }
}
