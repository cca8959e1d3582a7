package io.syncline.connector.sink;

import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.apply.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes resolved entries of the site's conflict log in the background ({@code conflicts.retention.ms}
 * and {@code .rows}), on its own connection, never parked ones. A failed run is logged and tried
 * again at the next check: the log only grows meanwhile.
 */
final class ConflictRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConflictRetention.class);

    /** Opens a new connection to the site. */
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final Engine engine;
    private final Optional<Duration> maxAge;
    private final long maxRows;
    private final LongConsumer purged;
    private final ScheduledExecutorService timer;

    private ConflictRetention(Connector connector, Engine engine, Optional<Duration> maxAge, long maxRows,
            LongConsumer purged, ScheduledExecutorService timer) {
        this.connector = connector;
        this.engine = engine;
        this.maxAge = maxAge;
        this.maxRows = maxRows;
        this.purged = purged;
        this.timer = timer;
    }

    /** Starts the runs, every {@code check}; empty when nothing is to be deleted ever. */
    static Optional<ConflictRetention> start(Connector connector, Engine engine, Optional<Duration> maxAge,
            long maxRows, Duration check, String site, LongConsumer purged) {
        if (maxAge.isEmpty() && maxRows < 0) {
            return Optional.empty();
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "syncline-conflict-retention-" + site);
            t.setDaemon(true);
            return t;
        });
        ConflictRetention retention = new ConflictRetention(connector, engine, maxAge, maxRows, purged, timer);
        timer.scheduleWithFixedDelay(retention::runOnce, check.toMillis(), check.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(retention);
    }

    void runOnce() {
        try (Connection c = connector.connect()) {
            c.setAutoCommit(false);
            long n = ConflictsTable.purge(c, engine, maxAge.orElse(null), maxRows);
            purged.accept(n);
            if (n > 0) {
                LOG.info("Conflict-log retention deleted {} resolved entries ({}{})", n,
                        maxAge.map(a -> "older than " + a).orElse(""),
                        maxRows < 0 ? "" : (maxAge.isPresent() ? ", " : "") + "beyond the newest " + maxRows);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Conflict-log retention failed ({}); it runs again at the next check", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
