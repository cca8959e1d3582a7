package io.syncline.core.apply;

import io.syncline.core.ColumnValue;
import java.util.HexFormat;
import java.util.Map;

/**
 * Renders a row image as JSON text for the conflict log: exact decimals as strings, bytes as hex,
 * temporal values in ISO-8601, JSON columns embedded as they are. Off the hot path: only conflicts
 * are rendered, and the changes {@code syncline changes} prints.
 *
 * <pre>{@code
 * String json = ColumnJson.render(event.columns()); // {"id":7,"total":"12.50","note":null}
 * }</pre>
 */
public final class ColumnJson {

    private ColumnJson() {
    }

    /** The row image as one JSON object, columns in their order. */
    public static String render(Map<String, ColumnValue> columns) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ColumnValue> entry : columns.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, entry.getKey());
            sb.append(':');
            value(sb, entry.getValue());
        }
        return sb.append('}').toString();
    }

    private static void value(StringBuilder sb, ColumnValue value) {
        if (value instanceof ColumnValue.NullValue) {
            sb.append("null");
        } else if (value instanceof ColumnValue.IntegerValue v) {
            sb.append(v.value());
        } else if (value instanceof ColumnValue.FloatValue v) {
            if (Double.isFinite(v.value())) {
                sb.append(v.value());
            } else {
                string(sb, Double.toString(v.value()));
            }
        } else if (value instanceof ColumnValue.BooleanValue v) {
            sb.append(v.value());
        } else if (value instanceof ColumnValue.DecimalValue v) {
            string(sb, v.value().toPlainString());
        } else if (value instanceof ColumnValue.TextValue v) {
            string(sb, v.value());
        } else if (value instanceof ColumnValue.BytesValue v) {
            string(sb, "\\x" + HexFormat.of().formatHex(v.value()));
        } else if (value instanceof ColumnValue.JsonValue v) {
            sb.append(v.value());
        } else if (value instanceof ColumnValue.TimeValue v) {
            string(sb, v.toLocalTime().toString());
        } else if (value instanceof ColumnValue.DateValue v) {
            string(sb, v.value().toString());
        } else if (value instanceof ColumnValue.TimestampValue v) {
            string(sb, v.value().toString());
        } else if (value instanceof ColumnValue.TimestampTzValue v) {
            string(sb, v.value().toString());
        } else if (value instanceof ColumnValue.UuidValue v) {
            string(sb, v.value().toString());
        } else {
            string(sb, String.valueOf(value));
        }
    }

    /** Appends {@code s} as a JSON string. */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
