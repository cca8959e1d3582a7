package io.syncline.core.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The arguments a MariaDB capture trigger of a tracked table passes to
 * {@code syncline.record_tracked_write} besides the table and key: the columns the write changed
 * (a JSON array, for the per-column clocks of {@code stamps}) and the change of every counter column
 * (a JSON object of integer deltas, for {@code counter:<column>}); {@code NULL} for what the table
 * does not track. A fresh row (an insert, the new key of a primary-key change) stamps every column
 * and starts every counter afresh, as the PostgreSQL trigger does.
 */
final class TrackedWrite {

    private final TableShape shape;
    private final boolean stamps;
    private final List<String> counters = new ArrayList<>();

    TrackedWrite(TableShape shape, Set<String> options) {
        this.shape = shape;
        this.stamps = options.contains("stamps");
        for (String option : new TreeSet<>(options)) {
            if (option.startsWith("counter:")) {
                counters.add(option.substring("counter:".length()));
            }
        }
    }

    /** {@code stamped, counted} of a fresh row. */
    String freshArguments() {
        String stamped = "NULL";
        if (stamps) {
            List<String> names = new ArrayList<>();
            for (String column : shape.columns().keySet()) {
                names.add(jsonText(column));
            }
            stamped = MariaDbSiteInstaller.sqlText("[" + String.join(",", names) + "]");
        }
        String counted = "NULL";
        if (!counters.isEmpty()) {
            List<String> zeros = new ArrayList<>();
            for (String column : counters) {
                zeros.add(jsonText(column) + ":0");
            }
            counted = MariaDbSiteInstaller.sqlText("{" + String.join(",", zeros) + "}");
        }
        return stamped + ", " + counted;
    }

    /** {@code stamped, counted} of an update that keeps the key, from {@code OLD} and {@code NEW}. */
    String updateArguments() {
        String stamped = "NULL";
        if (stamps) {
            List<String> changed = new ArrayList<>();
            for (String column : shape.columns().keySet()) {
                String quoted = MariaDbCatalog.quote(column);
                changed.add("IF(NOT (BINARY OLD." + quoted + " <=> BINARY NEW." + quoted + "), "
                        + MariaDbSiteInstaller.sqlText(jsonText(column)) + ", NULL)");
            }
            stamped = "CONCAT('[', CONCAT_WS(',', " + String.join(", ", changed) + "), ']')";
        }
        String counted = "NULL";
        if (!counters.isEmpty()) {
            List<String> deltas = new ArrayList<>();
            for (String column : counters) {
                String quoted = MariaDbCatalog.quote(column);
                deltas.add(MariaDbSiteInstaller.sqlText(column) + ", CAST(IFNULL(NEW." + quoted + ", 0) AS SIGNED) - "
                        + "CAST(IFNULL(OLD." + quoted + ", 0) AS SIGNED)");
            }
            counted = "JSON_OBJECT(" + String.join(", ", deltas) + ")";
        }
        return stamped + ", " + counted;
    }

    /** A JSON string of {@code text}. */
    static String jsonText(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
