package io.syncline.connector.config;

import io.syncline.core.site.KeyPlan;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of {@code SynclineSourceConnector}: the shared keys plus capture settings. */
public final class SynclineSourceConnectorConfig extends SynclineConnectorConfig {

    public static final String SLOT_NAME = "slot.name";
    public static final String PUBLICATION_NAME = "publication.name";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String CAPTURE_SERVER_ID = "capture.server.id";
    public static final String SCHEMA_HISTORY_BOOTSTRAP_SERVERS = "schema.history.kafka.bootstrap.servers";
    public static final String WAL_WARN_RETAINED_MB = "wal.warn.retained.mb";
    public static final String WAL_MAX_RETAINED_MB = "wal.max.retained.mb";

    /** {@link #WAL_MAX_RETAINED_MB}'s default: no limit. */
    public static final long NO_WAL_LIMIT = -1;

    private static final String GROUP_CAPTURE = "Capture";

    public static final ConfigDef CONFIG_DEF = definition();

    public SynclineSourceConnectorConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
    }

    private static ConfigDef definition() {
        ConfigDef def = withCommonKeys(new ConfigDef());
        int order = 0;
        def.define(SLOT_NAME, Type.STRING, "", Importance.MEDIUM,
                "Name of the PostgreSQL logical replication slot; empty means syncline_<group>_<site>.",
                GROUP_CAPTURE, ++order, Width.MEDIUM, "Replication slot");
        def.define(PUBLICATION_NAME, Type.STRING, "", Importance.MEDIUM,
                "Name of the PostgreSQL publication; empty means syncline_<group>_<site>.",
                GROUP_CAPTURE, ++order, Width.MEDIUM, "Publication");
        def.define(POLL_INTERVAL_MS, Type.INT, 5, ConfigDef.Range.between(1, 60_000), Importance.LOW,
                "How long the capture gathers changes into one batch before handing it on; lower is less lag "
                        + "(5 ms: p99 about 25 ms at 1,000 rows/s) but more CPU while idle (Debezium spins through "
                        + "the last millisecond of each wait: about 15 % of a core per idle capture at 5 ms, by that about 2 % at 50).",
                GROUP_CAPTURE, ++order, Width.SHORT, "Poll interval (ms)");
        def.define(CAPTURE_SERVER_ID, Type.LONG, 0L, ConfigDef.Range.between(0L, 4_294_967_295L), Importance.LOW,
                "MariaDB only: the replication server id the capture uses to read the binary log; unique among "
                        + "the server's replicas. 0 means one derived from the group and site id.",
                GROUP_CAPTURE, ++order, Width.SHORT, "Capture server id");
        def.define(SCHEMA_HISTORY_BOOTSTRAP_SERVERS, Type.STRING, "", Importance.MEDIUM,
                "MariaDB only (required there): Kafka bootstrap servers of the topic where the capture keeps the "
                        + "history of table definitions, <sync.group>.schema-history.<site.id>.",
                GROUP_CAPTURE, ++order, Width.LONG, "Schema history Kafka");
        def.define(WAL_WARN_RETAINED_MB, Type.LONG, 1024L, ConfigDef.Range.between(1L, 1L << 30), Importance.MEDIUM,
                "PostgreSQL only: when the capture's replication slot retains more WAL than this (MiB), status, "
                        + "metrics (syncline_site_slot_retained_warning) and the console warn: the capture is "
                        + "stopped or behind and the site's disk fills.",
                GROUP_CAPTURE, ++order, Width.SHORT, "WAL warning (MiB)");
        def.define(WAL_MAX_RETAINED_MB, Type.LONG, NO_WAL_LIMIT, new WalLimit(), Importance.MEDIUM,
                "PostgreSQL only, opt-in hard limit: the WAL (MiB) a replication slot may retain before the server "
                        + "gives up on it. The connector sets the server's max_slot_wal_keep_size to it at start "
                        + "(ALTER SYSTEM; it applies to every slot of that server). When a stopped capture's slot "
                        + "passes it, the server frees the WAL and the slot is lost: the source task then fails "
                        + "and says how to rejoin (README, 'WAL retention'). -1 means no limit.",
                GROUP_CAPTURE, ++order, Width.SHORT, "WAL hard limit (MiB)");
        return KeyConfig.define(def);
    }

    /** The site's generated keys are the source connector's: it exists exactly once per site. */
    @Override
    public Optional<KeyPlan> keyPlan() {
        return Optional.of(KeyConfig.plan(this));
    }

    /** The coordinator that hands out key blocks ({@code keys.kind=coordinator-blocks}); empty when not set. */
    public String coordinatorPeers() {
        return KeyConfig.coordinatorPeers(this);
    }

    /** How often the source task checks the values left in the sequences' key blocks. */
    public Duration keyBlockCheckInterval() {
        return Duration.ofMillis(getInt(KeyConfig.KEYS_BLOCK_CHECK_MS));
    }

    public String slotName() {
        String s = getString(SLOT_NAME);
        return s.isEmpty() ? names().slot(siteId().value()) : s;
    }

    public String publicationName() {
        String s = getString(PUBLICATION_NAME);
        return s.isEmpty() ? names().publication(siteId().value()) : s;
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getInt(POLL_INTERVAL_MS));
    }

    /** The replication server id of a MariaDB capture. */
    public long captureServerId() {
        long configured = getLong(CAPTURE_SERVER_ID);
        return configured != 0 ? configured
                : 100_000L + Math.floorMod((syncGroup() + "/" + siteId()).hashCode(), 1_000_000_000);
    }

    /** Where a MariaDB capture keeps its table definitions. */
    public String schemaHistoryBootstrapServers() {
        return getString(SCHEMA_HISTORY_BOOTSTRAP_SERVERS);
    }

    /** The topic of a MariaDB capture's table definitions. */
    public String schemaHistoryTopic() {
        return names().schemaHistoryTopic(siteId().value());
    }

    /** Retained WAL over which status and metrics warn. */
    public long walWarnRetainedBytes() {
        return getLong(WAL_WARN_RETAINED_MB) << 20;
    }

    /** The hard limit on the WAL the slot retains, in MiB; empty without one. */
    public Optional<Long> walMaxRetainedMb() {
        long mb = getLong(WAL_MAX_RETAINED_MB);
        return mb == NO_WAL_LIMIT ? Optional.empty() : Optional.of(mb);
    }

    /** The Debezium topic prefix: names the captured site in Debezium's offsets and metrics. */
    public String capturePrefix() {
        return names().capturePrefix(siteId().value());
    }

    /** -1, or a size from 1 MiB: 0 would let a slot keep no WAL at all. */
    private static final class WalLimit implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            long mb = (Long) value;
            if (mb != NO_WAL_LIMIT && (mb < 1 || mb > 1L << 30)) {
                throw new ConfigException(name, value, "must be -1 (no limit) or a size in MiB from 1 to "
                        + (1L << 30));
            }
        }

        @Override
        public String toString() {
            return "-1 or [1,...," + (1L << 30) + "]";
        }
    }
}
