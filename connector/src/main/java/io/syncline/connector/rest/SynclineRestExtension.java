package io.syncline.connector.rest;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.connector.config.Version;
import java.util.Map;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncline's endpoints on the Connect worker's REST API, under {@code /syncline}. Load it with the
 * worker property {@code rest.extension.classes=io.syncline.connector.rest.SynclineRestExtension};
 * name the coordinator with {@code syncline.coordinator.peers=n1=host:port,...}. The endpoints are
 * registered in the worker's own REST application, so every filter the worker has (for example an
 * authentication extension) applies to them too.
 *
 * <pre>
 * GET /syncline/coordinator   peers, leader, term, commit index
 * GET /syncline/leases        every partition lease: group, site, partition, holder, epoch, expiry
 * </pre>
 */
public class SynclineRestExtension implements ConnectRestExtension {

    public static final String COORDINATOR_PEERS = "syncline.coordinator.peers";

    private static final Logger LOG = LoggerFactory.getLogger(SynclineRestExtension.class);

    private CoordinatorClient client;

    @Override
    public void configure(Map<String, ?> configs) {
        Object peers = configs.get(COORDINATOR_PEERS);
        if (peers != null && !peers.toString().isBlank()) {
            client = CoordinatorClient.connect(peers.toString().trim());
            LOG.info("Syncline REST extension reads the coordinator at {}", peers);
        } else {
            LOG.info("Syncline REST extension without a coordinator ({} not set)", COORDINATOR_PEERS);
        }
    }

    @Override
    public void register(ConnectRestExtensionContext restPluginContext) {
        restPluginContext.configurable().register(new CoordinatorResource(client));
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.debug("Closing the coordinator client failed", e);
            }
        }
    }

    @Override
    public String version() {
        return Version.get();
    }
}
