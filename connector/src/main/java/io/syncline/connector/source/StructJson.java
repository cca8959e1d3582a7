package io.syncline.connector.source;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Renders a flat captured row (a conflict-log row) as JSON: numbers and booleans as they are,
 * Debezium's JSON columns embedded, everything else as strings. Off the hot path.
 */
final class StructJson {

    private StructJson() {
    }

    static String render(Struct row) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Field field : row.schema().fields()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, field.name());
            sb.append(':');
            Object value = row.get(field);
            if (value == null) {
                sb.append("null");
            } else if ("io.debezium.data.Json".equals(field.schema().name())) {
                sb.append(value);
            } else if (value instanceof Number || value instanceof Boolean) {
                sb.append(value);
            } else if (value instanceof byte[] bytes) {
                quote(sb, Base64.getEncoder().encodeToString(bytes));
            } else if (value instanceof ByteBuffer buffer) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
                quote(sb, Base64.getEncoder().encodeToString(bytes));
            } else {
                quote(sb, value.toString());
            }
        }
        return sb.append('}').toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
