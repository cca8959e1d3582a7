package io.syncline.connector.config;

import java.util.Map;
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
        def.define(CONFLICT_RESOLVER, Type.STRING, "last-writer-wins",
                ConfigDef.ValidString.in("last-writer-wins"), Importance.MEDIUM,
                "How concurrent writes of the same row are resolved. last-writer-wins: the larger hybrid-clock "
                        + "timestamp wins, ties go to the larger site id.",
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
