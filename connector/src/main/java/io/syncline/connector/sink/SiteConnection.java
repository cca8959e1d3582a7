package io.syncline.connector.sink;

import io.syncline.core.SiteId;
import io.syncline.core.apply.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink task's one connection to its site, opened when first needed and again after it was
 * closed (a transient failure closes it, so the retry starts on a fresh session). A session of a
 * task that applies under leases is set up by the engine's dialect for that.
 */
final class SiteConnection implements AutoCloseable {

    /** Opens a new connection to the site. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SiteConnection.class);

    private final Opener opener;
    private final Dialect dialect;
    private final Optional<Duration> leaseTtl;
    private final SiteId self;
    private Connection connection;

    /** @param leaseTtl the lease TTL when the task applies under leases, else empty */
    SiteConnection(Opener opener, Dialect dialect, Optional<Duration> leaseTtl, SiteId self) {
        this.opener = opener;
        this.dialect = dialect;
        this.leaseTtl = leaseTtl;
        this.self = self;
    }

    /** The open connection, in manual-commit mode. */
    Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection opened = opener.open();
            try {
                if (leaseTtl.isPresent()) {
                    dialect.prepareLeaseSession(opened, leaseTtl.get());
                }
                opened.setAutoCommit(false);
            } catch (SQLException | RuntimeException e) {
                // Never used half set up: without its setup a lease-holding session could hold locks too long.
                try {
                    opened.close();
                } catch (SQLException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                throw e;
            }
            connection = opened;
        }
        return connection;
    }

    /** Closes the connection, if open; the next {@link #get()} opens a new one. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the connection to site {} failed", self, e);
            }
            connection = null;
        }
    }
}
