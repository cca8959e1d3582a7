package io.syncline.connector.config;

import io.syncline.core.site.KeyKind;
import io.syncline.core.site.KeyPlan;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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
 * }</pre>
 */
public final class KeyConfig {

    public static final String KEYS_KIND = "keys.kind";
    public static final String KEYS_STEP = "keys.step";
    public static final String KEYS_SITE_OFFSET = "keys.site.offset";

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
                        + "auto_increment_offset=keys.site.offset. none: sequences are left as they are (the "
                        + "application makes its keys unique, e.g. with uuids).",
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
        return new KeyPlan(kind, step, offset);
    }

    /** Adds the checks between keys (an offset above the step) to a {@code validate()} result. */
    public static Config withCrossChecks(Config result) {
        Map<String, ConfigValue> byName = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            byName.put(value.name(), value);
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

    private static String offsetProblem(int step) {
        return "must be between 1 and keys.step (" + step + "), or 0 for not set";
    }
}
