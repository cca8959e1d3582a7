package io.syncline.connector.config;

import io.syncline.conflict.ResolverRegistry;
import io.syncline.core.site.TableRef;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@code SynclineSinkConnector}: the shared keys plus apply settings. */
public final class SynclineSinkConnectorConfig extends SynclineConnectorConfig {

    public static final String APPLY_LEDGER_ENABLED = "apply.ledger.enabled";
    public static final String DEDUPE_CACHE_SIZE = "apply.dedupe.cache.size";
    public static final String CONFLICT_RESOLVER = "conflict.resolver";

    /** Set by the connector for its tasks: the name the task stores its offsets under. */
    public static final String CONSUMER_NAME = "syncline.consumer.name";

    private static final String GROUP_APPLY = "Apply";

    public static final ConfigDef CONFIG_DEF = definition();

    public SynclineSinkConnectorConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
    }

    private static ConfigDef definition() {
        ConfigDef def = withCommonKeys(new ConfigDef());
        int order = 0;
        def.define(CONFLICT_RESOLVER, Type.STRING, "last-writer-wins", new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                "How concurrent writes of the same row are resolved, for every table without its own "
                        + "conflict.resolver.<schema.table>: last-writer-wins (larger hybrid-clock timestamp, then "
                        + "site id), site-priority (with conflict.resolver.sites=a,b,...), delete-wins, update-wins, "
                        + "max or min (with conflict.resolver.column=...), column-last-writer-wins, delta (with "
                        + "conflict.resolver.columns=...), or the class name of a ConflictResolver. Per table: "
                        + "conflict.resolver.<schema.table>=... with options conflict.resolver.<schema.table>.<option>. "
                        + "Every site must use the same resolvers.",
                GROUP_APPLY, ++order, Width.MEDIUM, "Conflict resolver");
        def.define(APPLY_LEDGER_ENABLED, Type.BOOLEAN, false, Importance.LOW,
                "Record every applied change (its dot) in syncline.apply_ledger, for audits of exactly-once apply.",
                GROUP_APPLY, ++order, Width.SHORT, "Apply ledger");
        def.define(DEDUPE_CACHE_SIZE, Type.INT, 100_000, ConfigDef.Range.between(0, 10_000_000), Importance.LOW,
                "How many recently applied dots to remember, to skip redelivered changes without a database "
                        + "round trip (0 disables).",
                GROUP_APPLY, ++order, Width.SHORT, "Dedupe cache size");
        def.define(CONSUMER_NAME, Type.STRING, "", Importance.LOW,
                "Internal: set by the connector for its tasks.", GROUP_APPLY, ++order, Width.MEDIUM, "Consumer name");
        return def;
    }

    /** The conflict resolvers of every table, from conflict.resolver and conflict.resolver.* keys. */
    public ResolverRegistry resolvers() {
        Map<String, String> settings = new java.util.HashMap<>();
        originalsStrings().forEach((key, value) -> {
            if (key.startsWith(CONFLICT_RESOLVER)) {
                settings.put(key, value);
            }
        });
        settings.putIfAbsent(CONFLICT_RESOLVER, getString(CONFLICT_RESOLVER));
        return ResolverRegistry.from(settings, tables().stream().map(Object::toString).toList());
    }

    @Override
    public Map<TableRef, Set<String>> trackingOptions() {
        Map<String, String> all = originalsStrings();
        String defaultResolver = getString(CONFLICT_RESOLVER);
        Map<TableRef, Set<String>> options = new java.util.HashMap<>();
        for (TableRef table : tables()) {
            String prefix = CONFLICT_RESOLVER + "." + table;
            boolean own = all.containsKey(prefix);
            String resolver = own ? all.get(prefix) : defaultResolver;
            Set<String> wanted = new java.util.TreeSet<>();
            if ("column-last-writer-wins".equals(resolver)) {
                wanted.add("stamps");
            } else if ("delta".equals(resolver)) {
                String columns = own ? all.get(prefix + ".columns") : all.get(CONFLICT_RESOLVER + ".columns");
                if (columns != null) {
                    for (String column : columns.split(",")) {
                        if (!column.isBlank()) {
                            wanted.add("counter:" + column.trim());
                        }
                    }
                }
            }
            if (!wanted.isEmpty()) {
                options.put(table, wanted);
            }
        }
        return options;
    }

    public boolean ledgerEnabled() {
        return getBoolean(APPLY_LEDGER_ENABLED);
    }

    public int dedupeCacheSize() {
        return getInt(DEDUPE_CACHE_SIZE);
    }

    public String consumerName() {
        return getString(CONSUMER_NAME);
    }
}
