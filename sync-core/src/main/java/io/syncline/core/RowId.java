package io.syncline.core;

import java.util.Objects;

/**
 * One row of a synced table as every site names it: the schema-qualified table and the canonical
 * text of the row's primary key ({@code KeyText}). It identifies the row's meta entry, the primary
 * key {@code (table_name, pk)} of {@code syncline.row_meta}, and pairs a captured row change with its
 * meta change.
 *
 * <pre>{@code
 * RowId id = new RowId("public.orders", "42");
 * }</pre>
 *
 * @param table the schema-qualified table name, e.g. {@code public.orders}
 * @param key the canonical text of the row's primary key
 */
public record RowId(String table, String key) {

    public RowId {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
    }
}
