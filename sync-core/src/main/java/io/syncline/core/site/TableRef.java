package io.syncline.core.site;

import java.util.Objects;

/**
 * A schema-qualified table name, e.g. {@code public.orders}. Its {@link #toString()} form is the
 * name used in Syncline's metadata and on the wire; {@link #quoted()} is the form used in SQL.
 *
 * <pre>{@code
 * TableRef orders = TableRef.parse("orders");   // public.orders
 * String sql = "SELECT count(*) FROM " + orders.quoted();
 * }</pre>
 */
public record TableRef(String schema, String name) {

    public TableRef {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        if (schema.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("table name '" + schema + "." + name + "' is invalid: schema and table must not be empty");
        }
    }

    /** Parses {@code schema.table} or {@code table} (schema {@code public}); the first dot separates. */
    public static TableRef parse(String text) {
        Objects.requireNonNull(text, "table");
        String t = text.trim();
        int dot = t.indexOf('.');
        if (dot < 0) {
            return new TableRef("public", t);
        }
        return new TableRef(t.substring(0, dot), t.substring(dot + 1));
    }

    /** The identifier quoted for PostgreSQL: every part in double quotes, embedded quotes doubled. */
    public String quoted() {
        return SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(name);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
