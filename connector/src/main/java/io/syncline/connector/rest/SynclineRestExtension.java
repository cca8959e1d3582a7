package io.syncline.connector.rest;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.CoordinatorPeer;
import io.syncline.conflict.coordinator.CoordinatorPeers;
import io.syncline.conflict.coordinator.CoordinatorTuning;
import io.syncline.connector.config.Version;
import io.syncline.connector.deadletter.KafkaSettings;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
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
 * GET /syncline/status        every site: connector and task states, stored offsets, applied and
 *                             conflict counts, capture slot, lag and rate of the tasks in this worker
 * GET /syncline/conflicts     the newest conflicts of every site (?table=schema.t&amp;limit=50)
 * GET /syncline/conflicts/{id}?site=S        one conflict with both versions and the result as rows
 * POST /syncline/conflicts/{id}/resolve      settle a parked conflict (?site=S&amp;keep=local|incoming|edit)
 * GET /syncline/rows/{table}/{key}   each site's version of one row: vector, origin, clock, tombstone
 * GET /syncline/deadletters   per site, the changes its sink refused, with the reason (?values=true)
 * POST /syncline/deadletters/replay?site=S   put a site's dead letters back on the changes topic
 * GET /syncline/backlog       end offsets of each group's changes topic (lag in events with /status)
 * GET /syncline/ui/           the operations console (static files in the plugin)
 * </pre>
 *
 * <p>The site endpoints read each site's database with the connection settings of its Syncline
 * connectors, read-only and with timeouts of a few seconds; a site that does not answer is shown
 * as unreachable.
 */
public class SynclineRestExtension implements ConnectRestExtension {

    public static final String COORDINATOR_PEERS = "syncline.coordinator.peers";
    /** When set, this worker also runs that coordinator peer (one of the peers), keeping its data in the dir. */
    public static final String COORDINATOR_PEER_ID = "syncline.coordinator.peer.id";
    public static final String COORDINATOR_DIR = "syncline.coordinator.dir";

    private static final Logger LOG = LoggerFactory.getLogger(SynclineRestExtension.class);

    /** How long a request waits for the slowest site's database. */
    private static final Duration SITE_DEADLINE = Duration.ofSeconds(15);

    private CoordinatorClient client;
    private KafkaSettings kafka;
    private ExecutorService siteQueries;
    private CoordinatorPeer peer;
    private URI workerUrl;

    @Override
    public void configure(Map<String, ?> configs) {
        workerUrl = ConnectorOffsets.workerUrl(configs.get("listeners"));
        try {
            kafka = KafkaSettings.fromWorkerConfig(configs);
        } catch (IllegalArgumentException e) {
            LOG.info("Syncline REST extension cannot read dead letters or the backlog: {}", e.getMessage());
        }
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
        siteQueries = Executors.newFixedThreadPool(8, daemonThreads());
        SiteDirectory directory = new SiteDirectory(restPluginContext.clusterState(), new ConnectorOffsets(workerUrl));
        SiteFanOut fanOut = new SiteFanOut(siteQueries, SITE_DEADLINE);
        restPluginContext.configurable().register(new StatusResource(directory, fanOut,
                ManagementFactory.getPlatformMBeanServer()));
        restPluginContext.configurable().register(new ConflictsResource(directory, fanOut));
        restPluginContext.configurable().register(new RowsResource(directory, fanOut));
        restPluginContext.configurable().register(new MetricsResource(ManagementFactory.getPlatformMBeanServer(),
                directory, fanOut));
        restPluginContext.configurable().register(new DeadLettersResource(directory, fanOut,
                restPluginContext.clusterState(), kafka));
        restPluginContext.configurable().register(new BacklogResource(directory, kafka));
        restPluginContext.configurable().register(new ConsoleResource());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, "syncline-rest-site-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        if (siteQueries != null) {
            siteQueries.shutdownNow();
        }
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
