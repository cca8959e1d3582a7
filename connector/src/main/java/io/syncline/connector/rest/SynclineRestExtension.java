package io.syncline.connector.rest;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.CoordinatorPeer;
import io.syncline.conflict.coordinator.CoordinatorPeers;
import io.syncline.conflict.coordinator.CoordinatorTuning;
import java.nio.file.Path;
import io.syncline.connector.config.Version;
import java.util.Map;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncline's endpoints on the Connect worker's REST API, under {@code /syncline}. Load it with the
 * worker property {@code rest.extension.classes=io.syncline.connector.rest.SynclineRestExtension};
 * name the coordinator with {@code syncline.coordinator.peers=n1=host:port,...}; with
 * {@code syncline.coordinator.peer.id=n1} and {@code syncline.coordinator.dir=DATA} the worker also
 * runs that peer itself, so no separate coordinator process is needed. The endpoints are
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
    /** When set, this worker also runs that coordinator peer (one of the peers), keeping its data in the dir. */
    public static final String COORDINATOR_PEER_ID = "syncline.coordinator.peer.id";
    public static final String COORDINATOR_DIR = "syncline.coordinator.dir";

    private static final Logger LOG = LoggerFactory.getLogger(SynclineRestExtension.class);

    private CoordinatorClient client;
    private CoordinatorPeer peer;

    @Override
    public void configure(Map<String, ?> configs) {
        Object peers = configs.get(COORDINATOR_PEERS);
        Object peerId = configs.get(COORDINATOR_PEER_ID);
        if (peerId != null && !peerId.toString().isBlank()) {
            if (peers == null || peers.toString().isBlank()) {
                throw new IllegalArgumentException(COORDINATOR_PEER_ID + " is set but " + COORDINATOR_PEERS
                        + " is not; name every peer of the coordinator");
            }
            Object dir = configs.get(COORDINATOR_DIR);
            if (dir == null || dir.toString().isBlank()) {
                throw new IllegalArgumentException(COORDINATOR_PEER_ID + " is set but " + COORDINATOR_DIR
                        + " is not; give the peer a data folder");
            }
            CoordinatorPeers all = CoordinatorPeers.parse(peers.toString().trim());
            peer = CoordinatorPeer.start(peerId.toString().trim(), all.addresses(), Path.of(dir.toString()),
                    CoordinatorTuning.defaults());
            LOG.info("This worker runs coordinator peer {} of {}", peerId, all.ids());
        }
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
        if (peer != null) {
            peer.close();
        }
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
