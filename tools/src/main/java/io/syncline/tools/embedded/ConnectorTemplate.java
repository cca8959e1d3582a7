package io.syncline.tools.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connector JSON file of {@code config-samples/} ({@code {"name": ..., "config": {...}}}) with
 * its {@code ${placeholders}} filled in.
 *
 * <pre>{@code
 * ConnectorTemplate source = ConnectorTemplate.load(samples.resolve("postgres-source.json"),
 *     Map.of("group", "demo", "site", "a", ...));
 * rest.putConnectorConfig(source.name(), source.config());
 * }</pre>
 */
public record ConnectorTemplate(String name, Map<String, String> config) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public ConnectorTemplate {
        config = Map.copyOf(config);
    }

    /**
     * @throws IllegalArgumentException when the file is not a connector body or names a
     *     placeholder that {@code values} does not fill
     */
    public static ConnectorTemplate load(Path file, Map<String, String> values) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read connector sample " + file, e);
        }
        if (root == null || !root.path("name").isTextual() || !root.path("config").isObject()) {
            throw new IllegalArgumentException(file + " is not a connector body: it needs \"name\" and \"config\"");
        }
        Map<String, String> config = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.get("config").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isContainerNode()) {
                throw new IllegalArgumentException(file + ": config key " + field.getKey()
                        + " must be a string, number or boolean, not " + field.getValue().getNodeType());
            }
            config.put(field.getKey(), fill(file, field.getValue().asText(), values));
        }
        return new ConnectorTemplate(fill(file, root.get("name").asText(), values), config);
    }

    private static String fill(Path file, String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(file + " uses ${" + m.group(1) + "}, which has no value here");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A copy with some keys replaced or added. */
    public ConnectorTemplate with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(config);
        merged.putAll(overrides);
        return new ConnectorTemplate(name, merged);
    }
}
