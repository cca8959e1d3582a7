package io.syncline.connector.source;

import io.syncline.connector.config.KeyConfig;
import io.syncline.connector.config.SiteConfigValidation;
import io.syncline.connector.config.SiteInstallation;
import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.connector.config.Version;
import io.syncline.core.site.KeyKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Captures the writes made at one site and publishes them to the sync group's changes topic.
 * One task: a site's change stream is one ordered log.
 *
 * <pre>{@code
 * {"connector.class": "io.syncline.connector.source.SynclineSourceConnector",
 *  "sync.group": "orders", "site.id": "east", "table.include.list": "public.orders",
 *  "database.hostname": "db-east", "database.user": "syncline", "database.password": "...",
 *  "database.dbname": "shop"}
 * }</pre>
 */
public class SynclineSourceConnector extends SourceConnector {

    /** How long the installation waits for a coordinator majority before Connect retries the start. */
    private static final Duration BLOCK_PATIENCE = Duration.ofSeconds(15);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        SynclineSourceConnectorConfig config = new SynclineSourceConnectorConfig(props);
        if (config.keyPlan().orElseThrow().kind() == KeyKind.COORDINATOR_BLOCKS) {
            try (CoordinatorKeyBlocks blocks = CoordinatorKeyBlocks.connect(config.coordinatorPeers(),
                    config.syncGroup(), config.siteId().value(), BLOCK_PATIENCE)) {
                SiteInstallation.install(config, blocks);
            }
        } else {
            SiteInstallation.install(config);
        }
        this.props = new HashMap<>(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SynclineSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(new HashMap<>(props));
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return SynclineSourceConnectorConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return SiteConfigValidation.withLiveChecks(KeyConfig.withCrossChecks(super.validate(connectorConfigs)),
                connectorConfigs, SynclineSourceConnectorConfig::new, true);
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.UNSUPPORTED;
    }
}
