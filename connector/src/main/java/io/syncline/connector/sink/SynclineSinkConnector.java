package io.syncline.connector.sink;

import io.syncline.connector.config.SiteConfigValidation;
import io.syncline.connector.config.SiteInstallation;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.connector.config.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Applies the sync group's changes at one site, exactly once: the consumed offsets are stored in
 * the site's database in the same transaction as the rows, and version vectors make any replay a
 * no-op. Subscribe it to {@code <sync.group>.changes}.
 *
 * <pre>{@code
 * {"connector.class": "io.syncline.connector.sink.SynclineSinkConnector",
 *  "topics": "orders.changes", "sync.group": "orders", "site.id": "west",
 *  "table.include.list": "public.orders", "database.hostname": "db-west",
 *  "database.user": "syncline", "database.password": "...", "database.dbname": "shop"}
 * }</pre>
 */
public class SynclineSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        SynclineSinkConnectorConfig config = new SynclineSinkConnectorConfig(props);
        try {
            config.resolvers();
        } catch (IllegalArgumentException e) {
            throw new ConnectException(e.getMessage(), e);
        }
        SiteInstallation.install(config);
        this.props = new HashMap<>(props);
        this.props.put(SynclineSinkConnectorConfig.CONSUMER_NAME, props.getOrDefault("name", "syncline-sink"));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SynclineSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(SynclineSinkTask.TASK_INDEX, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return SynclineSinkConnectorConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = SiteConfigValidation.withLiveChecks(super.validate(connectorConfigs), connectorConfigs,
                SynclineSinkConnectorConfig::new, false);
        for (ConfigValue value : result.configValues()) {
            if (value.name().equals(SynclineSinkConnectorConfig.CONFLICT_RESOLVER) && value.errorMessages().isEmpty()) {
                try {
                    new SynclineSinkConnectorConfig(connectorConfigs).resolvers();
                } catch (IllegalArgumentException e) {
                    value.addErrorMessage(e.getMessage());
                } catch (RuntimeException e) {
                    // Other fields are invalid; their own messages say so.
                }
            }
        }
        return result;
    }
}
