package io.syncline.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.site.KeyKind;
import io.syncline.core.site.KeyPlan;
import java.util.HashMap;
import java.util.List;
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

    @Test
    void coordinatorBlocksTakeTheBlockSizeAndAFifthOfItAsLowWaterByDefault() {
        KeyPlan plan = new SynclineSourceConnectorConfig(source(Map.of("keys.kind", "coordinator-blocks",
                "coordinator.peers", "n1=127.0.0.1:9870"))).keyPlan().orElseThrow();
        assertThat(plan).isEqualTo(new KeyPlan(KeyKind.COORDINATOR_BLOCKS, 16, 0, 10_000, 2_000));
        assertThat(new SynclineSourceConnectorConfig(source(Map.of("keys.kind", "coordinator-blocks",
                "coordinator.peers", "n1=127.0.0.1:9870", "keys.block.size", "500", "keys.block.low.water", "50")))
                .keyPlan()).contains(KeyPlan.coordinatorBlocks(500, 50));
    }

    @Test
    void coordinatorBlocksWithoutACoordinatorOrAtAMariaDbSiteAreRefusedOnTheKind() {
        assertThat(kindErrors(source(Map.of("keys.kind", "coordinator-blocks")))).singleElement().asString()
                .contains("coordinator.peers is not set").contains("interleaved");
        assertThat(kindErrors(source(Map.of("keys.kind", "coordinator-blocks", "database.engine", "mariadb",
                "coordinator.peers", "n1=127.0.0.1:9870")))).singleElement().asString()
                .contains("AUTO_INCREMENT cannot be bounded").contains("use interleaved");
        assertThat(kindErrors(source(Map.of("keys.kind", "coordinator-blocks", "coordinator.peers",
                "n1=127.0.0.1:9870")))).isEmpty();
        assertThatThrownBy(() -> new SynclineSourceConnectorConfig(source(Map.of("keys.kind", "coordinator-blocks")))
                .keyPlan()).isInstanceOf(ConfigException.class).hasMessageContaining("coordinator.peers");
    }

    @Test
    void aLowWaterMarkNotBelowTheBlockSizeIsRefusedOnTheMark() {
        Map<String, String> props = source(Map.of("keys.block.size", "100", "keys.block.low.water", "100"));
        Config result = KeyConfig.withCrossChecks(new Config(SynclineSourceConnectorConfig.CONFIG_DEF.validate(props)));
        for (ConfigValue value : result.configValues()) {
            if (value.name().equals("keys.block.low.water")) {
                assertThat(value.errorMessages()).singleElement().asString().contains("below keys.block.size (100)");
            }
        }
        assertThatThrownBy(() -> new SynclineSourceConnectorConfig(props).keyPlan())
                .isInstanceOf(ConfigException.class).hasMessageContaining("keys.block.low.water");
    }

    private static List<String> kindErrors(Map<String, String> props) {
        Config result = KeyConfig.withCrossChecks(new Config(SynclineSourceConnectorConfig.CONFIG_DEF.validate(props)));
        return result.configValues().stream().filter(v -> v.name().equals("keys.kind")).findFirst().orElseThrow()
                .errorMessages();
    }
}
