package io.syncline.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.site.KeyKind;
import io.syncline.core.site.KeyPlan;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class KeyConfigTest {

    private static Map<String, String> source(Map<String, String> keys) {
        Map<String, String> props = new HashMap<>(Map.of("sync.group", "shop", "site.id", "a",
                "table.include.list", "public.tickets", "database.hostname", "localhost", "database.user", "u",
                "database.dbname", "d"));
        props.putAll(keys);
        return props;
    }

    @Test
    void interleavedWithStepSixteenByDefaultAndNoOffset() {
        KeyPlan plan = new SynclineSourceConnectorConfig(source(Map.of())).keyPlan().orElseThrow();
        assertThat(plan).isEqualTo(new KeyPlan(KeyKind.INTERLEAVED, 16, 0));
        assertThat(plan.hasOffset()).isFalse();
    }

    @Test
    void theSourceOwnsTheKeysAndTheSinkHasNone() {
        assertThat(new SynclineSourceConnectorConfig(source(Map.of("keys.kind", "none", "keys.step", "32",
                "keys.site.offset", "32"))).keyPlan()).contains(new KeyPlan(KeyKind.NONE, 32, 32));
        assertThat(new SynclineSinkConnectorConfig(source(Map.of())).keyPlan()).isEmpty();
    }

    @Test
    void badValuesAreRefusedPerField() {
        assertThatThrownBy(() -> new SynclineSourceConnectorConfig(source(Map.of("keys.kind", "snowflake"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keys.kind");
        assertThatThrownBy(() -> new SynclineSourceConnectorConfig(source(Map.of("keys.step", "1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keys.step");
        assertThatThrownBy(() -> new SynclineSourceConnectorConfig(source(Map.of("keys.site.offset", "17")))
                .keyPlan()).isInstanceOf(ConfigException.class).hasMessageContaining("keys.site.offset");
    }

    @Test
    void validateAttachesAnOffsetAboveTheStepToTheOffset() {
        Map<String, String> props = source(Map.of("keys.step", "4", "keys.site.offset", "5"));
        Config result = new Config(SynclineSourceConnectorConfig.CONFIG_DEF.validate(props));

        KeyConfig.withCrossChecks(result);

        for (ConfigValue value : result.configValues()) {
            if (value.name().equals("keys.site.offset")) {
                assertThat(value.errorMessages()).singleElement().asString().contains("between 1 and keys.step (4)");
            } else if (value.name().startsWith("keys.")) {
                assertThat(value.errorMessages()).isEmpty();
            }
        }
    }
}
