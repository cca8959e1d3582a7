package io.syncline.connector.config;

import io.syncline.conflict.ResolverRegistry;
import io.syncline.core.site.TableRef;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@code SynclineSinkConnector}: the shared keys plus apply settings. */
public final class SynclineSinkConnectorConfig extends SynclineConnectorConfig {

    public static final String APPLY_LEDGER_ENABLED = "apply.ledger.enabled";
    public static final String DEDUPE_CACHE_SIZE = "apply.dedupe.cache.size";
    public static final String CONFLICT_RESOLVER = "conflict.resolver";

    public static final String CONFLICTS_RETENTION_MS = "conflicts.retention.ms";
    public static final String CONFLICTS_RETENTION_ROWS = "conflicts.retention.rows";
    public static final String CONFLICTS_RETENTION_CHECK_MS = "conflicts.retention.check.ms";

    public static final String COORDINATOR_PEERS = "coordinator.peers";
    public static final String LEASE_TTL_MS = "coordinator.lease.ttl.ms";
    /** Fault injection for tests: while this file exists, the task's apply and lease renewal stand still. */
    public static final String TEST_FREEZE_FILE = "syncline.test.freeze.file";

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
                        + "conflict.resolver.columns=...), manual (last-writer-wins meanwhile, the conflict parked for a person), or the "
                        + "class name of a ConflictResolver. Per table: "
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
        int retentionOrder = 0;
        def.define(CONFLICTS_RETENTION_MS, Type.LONG, Duration.ofDays(30).toMillis(),
                ConfigDef.Range.atLeast(-1), Importance.LOW,
                "How long resolved entries stay in the site's syncline.conflicts; older ones are deleted in the "
                        + "background (whole seconds, by the database's clock). Parked (manual) conflicts are never "
                        + "deleted; the conflicts topic keeps every entry. -1 keeps them for ever.",
                "Conflict log", ++retentionOrder, Width.SHORT, "Conflict retention (ms)");
        def.define(CONFLICTS_RETENTION_ROWS, Type.LONG, -1L, ConfigDef.Range.atLeast(-1), Importance.LOW,
                "How many resolved entries syncline.conflicts keeps at most (the newest); -1: no limit.",
                "Conflict log", ++retentionOrder, Width.SHORT, "Conflict retention (rows)");
        def.define(CONFLICTS_RETENTION_CHECK_MS, Type.INT, 300_000, ConfigDef.Range.between(1_000, 86_400_000),
                Importance.LOW, "How often the conflict-log retention runs.",
                "Conflict log", ++retentionOrder, Width.SHORT, "Conflict retention check (ms)");
        int coordinatorOrder = 0;
        def.define(COORDINATOR_PEERS, Type.STRING, "", Importance.MEDIUM,
                "The Raft coordinator's peers, id=host:port,... (e.g. n1=10.0.0.1:9870,n2=...). When set, a task "
                        + "applies a partition only while it holds the partition's lease, and stores the lease epoch "
                        + "with the rows, so a paused or partitioned old task cannot commit. Empty: no coordinator.",
                "Coordinator", ++coordinatorOrder, Width.LONG, "Coordinator peers");
        def.define(LEASE_TTL_MS, Type.INT, 5000, ConfigDef.Range.between(500, 600_000), Importance.LOW,
                "How long a partition lease lasts without renewal; renewed every third of it.",
                "Coordinator", ++coordinatorOrder, Width.SHORT, "Lease TTL (ms)");
        def.define(TEST_FREEZE_FILE, Type.STRING, "", Importance.LOW,
                "Internal: fault injection for tests.", GROUP_APPLY, ++order, Width.MEDIUM, "Freeze file");
        def.define(CONSUMER_NAME, Type.STRING, "", Importance.LOW,
                "Internal: set by the connector for its tasks.", GROUP_APPLY, ++order, Width.MEDIUM, "Consumer name");
        return def;
    }

    /** The conflict resolvers of every table, from conflict.resolver and conflict.resolver.* keys. */
    public ResolverRegistry resolvers() {
        Map<String, String> settings = new HashMap<>();
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
        Map<TableRef, Set<String>> options = new HashMap<>();
        for (TableRef table : tables()) {
            String prefix = CONFLICT_RESOLVER + "." + table;
            boolean own = all.containsKey(prefix);
            String resolver = own ? all.get(prefix) : defaultResolver;
            Set<String> wanted = new TreeSet<>();
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

    /** How long resolved conflict-log entries are kept; empty keeps them for ever. */
    public Optional<Duration> conflictsRetention() {
        long ms = getLong(CONFLICTS_RETENTION_MS);
        return ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    }

    /** How many resolved conflict-log entries are kept at most; negative: no limit. */
    public long conflictsRetentionRows() {
        return getLong(CONFLICTS_RETENTION_ROWS);
    }

    public Duration conflictsRetentionCheck() {
        return Duration.ofMillis(getInt(CONFLICTS_RETENTION_CHECK_MS));
    }

    public String coordinatorPeers() {
        return getString(COORDINATOR_PEERS).trim();
    }

    public Duration leaseTtl() {
        return Duration.ofMillis(getInt(LEASE_TTL_MS));
    }

    public String freezeFile() {
        return getString(TEST_FREEZE_FILE);
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
