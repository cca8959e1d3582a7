package io.syncline.connector.config;

import io.syncline.core.site.SiteSetupException;
import java.sql.Connection;
import java.sql.SQLException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/** Installs (or checks) Syncline's objects at the connector's site when a connector starts. */
public final class SiteInstallation {

    private SiteInstallation() {
    }

    /**
     * @throws ConnectException when a table cannot be synced (the message says how to fix it)
     * @throws RetriableException when the database cannot be reached
     */
    public static void install(SynclineConnectorConfig config) {
        try (Connection connection = config.connect()) {
            config.engine().installer(config.siteId(), config.syncGroup())
                    .install(connection, config.tables(), config.trackingOptions());
        } catch (SiteSetupException e) {
            throw new ConnectException(e.getMessage(), e);
        } catch (SQLException e) {
            throw new RetriableException("site " + config.siteId() + " (" + config.jdbcUrl()
                    + ") cannot be set up: " + e.getMessage() + "; the connector will retry", e);
        }
    }
}
