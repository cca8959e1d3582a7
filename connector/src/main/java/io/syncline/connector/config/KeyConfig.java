package io.syncline.connector.config;

import io.syncline.core.apply.Engine;
import io.syncline.core.site.KeyKind;
import io.syncline.core.site.KeyPlan;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The {@code keys.*} settings of a source connector: how the site's generated keys (sequences
 * behind serial, bigserial and identity columns; MariaDB AUTO_INCREMENT) are made unique across
 * the mesh. The source connector owns them because it exists exactly once per site.
 *
 * <pre>{@code
 * "keys.kind": "interleaved", "keys.step": "16", "keys.site.offset": "3"
 * "keys.kind": "coordinator-blocks", "keys.block.size": "10000", "coordinator.peers": "n1=10.0.0.1:9870,..."
 * }</pre>
 */
public final class KeyConfig {

    public static final String KEYS_KIND = "keys.kind";
    public static final String KEYS_STEP = "keys.step";
    public static final String KEYS_SITE_OFFSET = "keys.site.offset";
    public static final String KEYS_BLOCK_SIZE = "keys.block.size";
    public static final String KEYS_BLOCK_LOW_WATER = "keys.block.low.water";
    public static final String KEYS_BLOCK_CHECK_MS = "keys.block.check.ms";
    /** The same key the sink connector names its coordinator with. */
    public static final String COORDINATOR_PEERS = "coordinator.peers";

    static final int DEFAULT_STEP = 16;
    private static final String GROUP_KEYS = "Keys";

    private KeyConfig() {
    }

    /** Adds the keys.* settings to a definition. */
    static ConfigDef define(ConfigDef def) {
        int order = 0;
        String[] kinds = Arrays.stream(KeyKind.values()).map(KeyKind::configName).toArray(String[]::new);
        def.define(KEYS_KIND, Type.STRING, KeyKind.INTERLEAVED.configName(), ConfigDef.ValidString.in(kinds),
                Importance.HIGH, "How the sequences behind the synced tables' generated keys (serial, bigserial, "
                        + "identity; MariaDB AUTO_INCREMENT) are made unique across the mesh, without changing the "
                        + "application's INSERTs. interleaved: every site's sequences step by keys.step from the "
                        + "site's own slot keys.site.offset (site 3 of 16 yields 3, 19, 35, ...), above every value "
                        + "already in the column; MariaDB sites get auto_increment_increment=keys.step and "
                        + "auto_increment_offset=keys.site.offset. coordinator-blocks (PostgreSQL sites only): every "
                        + "sequence is bounded to a block of keys.block.size values that the Raft coordinator "
                        + "(coordinator.peers) hands this site once, and moved to the next block in the background "
                        + "before it runs out; needs the coordinator reachable to get a block. Use one kind at every "
                        + "site of a group. none: sequences are left as they are (the application makes its keys "
                        + "unique, e.g. with uuids).",
                GROUP_KEYS, ++order, Width.SHORT, "Key kind");
        def.define(KEYS_STEP, Type.INT, DEFAULT_STEP, ConfigDef.Range.between(2, KeyPlan.MAX_STEP), Importance.MEDIUM,
                "interleaved: the number of slots of the mesh, the increment of every converted sequence; at least "
                        + "the number of sites the group will ever have, the same at every site (at most 65535 when "
                        + "a site runs MariaDB). Never change it once sites have converted their sequences.",
                GROUP_KEYS, ++order, Width.SHORT, "Key step");
        def.define(KEYS_SITE_OFFSET, Type.INT, 0, ConfigDef.Range.between(0, KeyPlan.MAX_STEP), Importance.HIGH,
                "interleaved: this site's slot, 1 to keys.step, a different one at every site of the group; its "
                        + "generated keys are the values congruent to it modulo keys.step. 0 (not set): a site whose "
                        + "synced tables have generated keys refuses to start, with a message naming the column.",
                GROUP_KEYS, ++order, Width.SHORT, "Site key offset");
        def.define(KEYS_BLOCK_SIZE, Type.LONG, KeyPlan.DEFAULT_BLOCK_SIZE,
                ConfigDef.Range.between(KeyPlan.MIN_BLOCK_SIZE, KeyPlan.MAX_BLOCK_SIZE), Importance.MEDIUM,
                "coordinator-blocks: how many values one block holds; a site asks the coordinator once per block.",
                GROUP_KEYS, ++order, Width.SHORT, "Key block size");
        def.define(KEYS_BLOCK_LOW_WATER, Type.LONG, 0L, ConfigDef.Range.between(0L, KeyPlan.MAX_BLOCK_SIZE - 1),
                Importance.LOW, "coordinator-blocks: when fewer values than this are left in a sequence's block, "
                        + "the source task allocates the next one and moves the sequence to it (the values left in "
                        + "the old block are skipped, unless the next block follows on). Below keys.block.size; "
                        + "0 means a fifth of keys.block.size. It is what inserts can use while the coordinator is "
                        + "unreachable.",
                GROUP_KEYS, ++order, Width.SHORT, "Key block low water");
        def.define(KEYS_BLOCK_CHECK_MS, Type.INT, 2_000, ConfigDef.Range.between(100, 600_000), Importance.LOW,
                "coordinator-blocks: how often the source task checks the values left in every block.",
                GROUP_KEYS, ++order, Width.SHORT, "Key block check (ms)");
        def.define(COORDINATOR_PEERS, Type.STRING, "", Importance.MEDIUM,
                "coordinator-blocks (required there): the Raft coordinator's peers, id=host:port,... (the same as "
                        + "the sink connectors'), which hands out the blocks of key values. Other kinds ignore it.",
                GROUP_KEYS, ++order, Width.LONG, "Coordinator peers");
        return def;
    }

    /**
     * The plan of a parsed configuration.
     *
     * @throws ConfigException when keys.site.offset is above keys.step
     */
    static KeyPlan plan(AbstractConfig config) {
        KeyKind kind = KeyKind.of(config.getString(KEYS_KIND));
        int step = config.getInt(KEYS_STEP);
        int offset = config.getInt(KEYS_SITE_OFFSET);
        if (offset > step) {
            throw new ConfigException(KEYS_SITE_OFFSET, offset, offsetProblem(step));
        }
        long blockSize = config.getLong(KEYS_BLOCK_SIZE);
        long lowWater = lowWater(blockSize, config.getLong(KEYS_BLOCK_LOW_WATER));
        if (lowWater >= blockSize) {
            throw new ConfigException(KEYS_BLOCK_LOW_WATER, lowWater, lowWaterProblem(blockSize));
        }
        if (kind == KeyKind.COORDINATOR_BLOCKS) {
            blocksProblem(config.getString(SynclineConnectorConfig.DATABASE_ENGINE),
                    config.getString(COORDINATOR_PEERS)).ifPresent(problem -> {
                        throw new ConfigException(KEYS_KIND, kind.configName(), problem);
                    });
        }
        return new KeyPlan(kind, step, offset, blockSize, lowWater);
    }

    /** The coordinator's peers for coordinator-blocks; empty when not set. */
    static String coordinatorPeers(AbstractConfig config) {
        return config.getString(COORDINATOR_PEERS).trim();
    }

    private static long lowWater(long blockSize, long configured) {
        return configured == 0 ? KeyPlan.defaultLowWater(blockSize) : configured;
    }

    /** Why coordinator-blocks cannot work with this engine and coordinator, if it cannot. */
    private static Optional<String> blocksProblem(Object engine, Object peers) {
        if (Engine.MARIADB.configName().equals(engine)) {
            return Optional.of("coordinator-blocks is for PostgreSQL sites: MariaDB's AUTO_INCREMENT cannot be "
                    + "bounded to a block of values; use interleaved (at every site of the group)");
        }
        if (peers == null || peers.toString().isBlank()) {
            return Optional.of("coordinator-blocks takes its key blocks from the Raft coordinator, and "
                    + COORDINATOR_PEERS + " is not set; set it to the coordinator's peers (id=host:port,...) or use "
                    + "interleaved, which needs no coordinator");
        }
        return Optional.empty();
    }

    /** Adds the checks between keys (an offset above the step) to a {@code validate()} result. */
    public static Config withCrossChecks(Config result) {
        Map<String, ConfigValue> byName = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            byName.put(value.name(), value);
        }
        ConfigValue kind = byName.get(KEYS_KIND);
        if (kind != null && kind.errorMessages().isEmpty() && KeyKind.COORDINATOR_BLOCKS.configName().equals(kind.value())) {
            ConfigValue engine = byName.get(SynclineConnectorConfig.DATABASE_ENGINE);
            ConfigValue peers = byName.get(COORDINATOR_PEERS);
            blocksProblem(engine == null ? null : engine.value(), peers == null ? null : peers.value())
                    .ifPresent(problem -> kind.addErrorMessage(KEYS_KIND + " was coordinator-blocks: " + problem));
        }
        ConfigValue blockSize = byName.get(KEYS_BLOCK_SIZE);
        ConfigValue lowWater = byName.get(KEYS_BLOCK_LOW_WATER);
        if (blockSize != null && lowWater != null && blockSize.errorMessages().isEmpty()
                && lowWater.errorMessages().isEmpty() && blockSize.value() instanceof Long b
                && lowWater.value() instanceof Long w && w != 0 && w >= b) {
            lowWater.addErrorMessage(KEYS_BLOCK_LOW_WATER + " was " + w + ": " + lowWaterProblem(b));
        }
        ConfigValue step = byName.get(KEYS_STEP);
        ConfigValue offset = byName.get(KEYS_SITE_OFFSET);
        if (step == null || offset == null || !step.errorMessages().isEmpty() || !offset.errorMessages().isEmpty()) {
            return result;
        }
        if (step.value() instanceof Integer s && offset.value() instanceof Integer o && o > s) {
            offset.addErrorMessage("keys.site.offset was " + o + ": " + offsetProblem(s));
        }
        return result;
    }

    private static String lowWaterProblem(long blockSize) {
        return "must be below keys.block.size (" + blockSize + "), or 0 for a fifth of it";
    }

    private static String offsetProblem(int step) {
        return "must be between 1 and keys.step (" + step + "), or 0 for not set";
    }
}
