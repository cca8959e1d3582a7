package io.syncline.core.site;

import java.util.List;

/**
 * The canonical text of a primary key, as stored in {@code syncline.row_meta.pk} and used in the
 * Kafka record key. One column: its text. Several: each with {@code \} and {@code ,} escaped,
 * joined by {@code ,} — the same text the site's {@code syncline.row_key} function computes.
 *
 * <pre>{@code
 * KeyText.of(List.of("42"));          // "42"
 * KeyText.of(List.of("a,b", "7"));    // "a\\,b,7"
 * }</pre>
 */
public final class KeyText {

    private KeyText() {
    }

    public static String of(List<String> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one column value");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                // Not sb.length() > 0: an empty first part still needs its separator.
                sb.append(',');
            }
            sb.append(parts.get(i).replace("\\", "\\\\").replace(",", "\\,"));
        }
        return sb.toString();
    }
}
