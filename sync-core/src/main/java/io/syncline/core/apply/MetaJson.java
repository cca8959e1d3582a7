package io.syncline.core.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.core.SiteId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON forms of a row's per-column clocks ({@code {"col": [hlc, "site"]}}) and counter
 * contributions ({@code {"col": {"site": n}}}) as the site's trigger keeps them in
 * {@code syncline.row_meta}. Only tables resolved per column or with counters have them.
 */
public final class MetaJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetaJson() {
    }

    public static Map<String, ColumnStamp> parseStamps(String json) {
        Map<String, ColumnStamp> stamps = new LinkedHashMap<>();
        if (json == null || json.isEmpty()) {
            return stamps;
        }
        JsonNode root = read(json);
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode pair = field.getValue();
            stamps.put(field.getKey(), new ColumnStamp(pair.get(0).asLong(), SiteId.of(pair.get(1).asText())));
        }
        return stamps;
    }

    public static Map<String, Map<SiteId, Long>> parseCounters(String json) {
        Map<String, Map<SiteId, Long>> counters = new LinkedHashMap<>();
        if (json == null || json.isEmpty()) {
            return counters;
        }
        JsonNode root = read(json);
        Iterator<Map.Entry<String, JsonNode>> columns = root.fields();
        while (columns.hasNext()) {
            Map.Entry<String, JsonNode> column = columns.next();
            Map<SiteId, Long> bySite = new TreeMap<>();
            column.getValue().fields().forEachRemaining(e -> bySite.put(SiteId.of(e.getKey()), e.getValue().asLong()));
            counters.put(column.getKey(), bySite);
        }
        return counters;
    }

    public static String stamps(Map<String, ColumnStamp> stamps) {
        if (stamps.isEmpty()) {
            return null;
        }
        ObjectNode root = JSON.createObjectNode();
        stamps.forEach((column, stamp) -> {
            ArrayNode pair = root.putArray(column);
            pair.add(stamp.hlc());
            pair.add(stamp.site().value());
        });
        return root.toString();
    }

    public static String counters(Map<String, Map<SiteId, Long>> counters) {
        if (counters.isEmpty()) {
            return null;
        }
        ObjectNode root = JSON.createObjectNode();
        counters.forEach((column, bySite) -> {
            ObjectNode node = root.putObject(column);
            bySite.forEach((site, n) -> node.put(site.value(), n));
        });
        return root.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("row meta JSON is malformed: " + e.getOriginalMessage(), e);
        }
    }
}
