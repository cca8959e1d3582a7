package io.syncline.connector.source;

import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.core.site.KeyInstaller;
import io.syncline.core.site.KeyPlan;
import io.syncline.core.site.KeySequence;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source task's background check of a site's key blocks ({@code keys.kind=coordinator-blocks}):
 * every {@code keys.block.check.ms} it moves each sequence with fewer than the low-water mark of
 * values left to its next block, on a connection of its own. A failed check is logged (the
 * installer names the values left when the coordinator is unreachable) and tried again next time;
 * it never stops the capture.
 *
 * <pre>{@code
 * KeyBlockTopUp topUp = KeyBlockTopUp.start(config, plan, blocks);
 * topUp.close();
 * }</pre>
 */
final class KeyBlockTopUp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyBlockTopUp.class);

    private final SynclineSourceConnectorConfig config;
    private final KeyPlan plan;
    private final CoordinatorKeyBlocks blocks;
    private final KeyInstaller installer;
    private final ScheduledExecutorService timer;
    private Connection connection;

    private KeyBlockTopUp(SynclineSourceConnectorConfig config, KeyPlan plan, CoordinatorKeyBlocks blocks) {
        this.config = config;
        this.plan = plan;
        this.blocks = blocks;
        this.installer = config.engine().keyInstaller();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "syncline-key-blocks-" + config.siteId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts checking every {@link SynclineSourceConnectorConfig#keyBlockCheckInterval()}. */
    static KeyBlockTopUp start(SynclineSourceConnectorConfig config, KeyPlan plan, CoordinatorKeyBlocks blocks) {
        KeyBlockTopUp topUp = new KeyBlockTopUp(config, plan, blocks);
        Duration every = config.keyBlockCheckInterval();
        topUp.timer.scheduleWithFixedDelay(topUp::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Key blocks of site {} checked every {} ms (next block below {} of {} values left)", config.siteId(),
                every.toMillis(), plan.lowWater(), plan.blockSize());
        return topUp;
    }

    /** One check; runs on the timer thread only. */
    void check() {
        try {
            if (connection == null || !connection.isValid(5)) {
                closeConnection();
                connection = config.connect();
            }
            for (KeySequence moved : installer.topUp(connection, config.tables(), plan, blocks)) {
                LOG.debug("{}.{} topped up: {}", moved.table(), moved.column(), moved.block());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Key block check of site {} failed: {}; it runs again in {} ms", config.siteId(), e.getMessage(),
                    config.keyBlockCheckInterval().toMillis());
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the key block connection failed", e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the key block check of site {} did not stop within 10 s", config.siteId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
        blocks.close();
    }
}
