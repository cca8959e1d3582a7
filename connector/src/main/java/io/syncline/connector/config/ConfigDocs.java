package io.syncline.connector.config;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Renders the connectors' configuration reference ({@code docs/configuration.md}) from their
 * {@link ConfigDef}s, so the documentation cannot drift from the code: a test compares the file
 * with this rendering. Regenerate with {@code bin/syncline config-docs > docs/configuration.md}.
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("Generated from the connectors' definitions (`bin/syncline config-docs`); a test keeps this file ")
                .append("equal to them. Keys of Kafka Connect itself (`name`, `connector.class`, `tasks.max`, ")
                .append("`topics`, `key.converter`, `value.converter`, `errors.*`, `topic.creation.*`) work as ")
                .append("Connect documents them. Validate a configuration with ")
                .append("`PUT /connector-plugins/<class>/config/validate`: every problem is returned at once, per ")
                .append("field, including a live check of the database connection and of every table.\n");
        for (Map.Entry<String, ConfigDef> connector : List.of(
                Map.entry("SynclineSourceConnector", SynclineSourceConnectorConfig.CONFIG_DEF),
                Map.entry("SynclineSinkConnector", SynclineSinkConnectorConfig.CONFIG_DEF))) {
            md.append("\n## ").append(connector.getKey()).append("\n");
            String group = null;
            ConfigDef def = connector.getValue();
            List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
                    .sorted(Comparator.<ConfigDef.ConfigKey>comparingInt(k -> def.groups().indexOf(k.group))
                            .thenComparingInt(k -> k.orderInGroup))
                    .toList();
            for (ConfigDef.ConfigKey key : keys) {
                if (key.internalConfig || key.documentation.startsWith("Internal:")) {
                    continue;
                }
                if (!String.valueOf(key.group).equals(group)) {
                    group = String.valueOf(key.group);
                    md.append("\n### ").append(group).append("\n\n")
                            .append("| key | type | default | valid values | importance | description |\n")
                            .append("|---|---|---|---|---|---|\n");
                }
                md.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                        .append(" | ").append(defaultText(key)).append(" | ")
                        .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                        .append(key.importance.name().toLowerCase()).append(" | ")
                        .append(escape(key.documentation)).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "\"\"";
        }
        Object value = key.defaultValue;
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
    }
}
