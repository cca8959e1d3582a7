package io.syncline.connector.config;

import io.syncline.core.site.KeyBlockSource;
import io.syncline.core.site.KeyBlockUnavailableException;
import io.syncline.core.site.KeyKind;
import io.syncline.core.site.KeyPlan;
import io.syncline.core.site.SiteSetupException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
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
        install(config, KeyBlockSource.NONE);
    }

    /**
     * Like {@link #install(SynclineConnectorConfig)}, taking key blocks from {@code blocks}
     * ({@code keys.kind=coordinator-blocks}).
     *
     * @throws RetriableException also when a key block is needed and the coordinator cannot be reached
     */
    public static void install(SynclineConnectorConfig config, KeyBlockSource blocks) {
        try (Connection connection = config.connect()) {
            config.engine().installer(config.siteId(), config.syncGroup())
                    .install(connection, config.tables(), config.trackingOptions());
            installKeys(config, connection, blocks);
        } catch (KeyBlockUnavailableException e) {
            throw new RetriableException("site " + config.siteId() + " needs key blocks and " + e.getMessage()
                    + "; the connector will retry", e);
        } catch (SiteSetupException e) {
            throw new ConnectException(e.getMessage(), e);
        } catch (SQLException e) {
            throw new RetriableException("site " + config.siteId() + " (" + config.jdbcUrl()
                    + ") cannot be set up: " + e.getMessage() + "; the connector will retry", e);
        }
    }

    /**
     * Makes the generated keys of the site's tables unique across the mesh, as the configuration's
     * {@link SynclineConnectorConfig#keyPlan()} says (nothing when it has none).
     *
     * @throws ConnectException when the keys cannot be made unique (the message says how to fix it)
     * @throws RetriableException when the database cannot be reached
     */
    public static void installKeys(SynclineConnectorConfig config) {
        if (config.keyPlan().isEmpty()) {
            return;
        }
        if (config.keyPlan().get().kind() == KeyKind.COORDINATOR_BLOCKS) {
            // Only the source task tops blocks up; standalone capture runs without it.
            throw new ConnectException("site " + config.siteId() + ": keys.kind=coordinator-blocks needs the source "
                    + "connector's background top-up, which syncline run (standalone) does not run; use "
                    + "keys.kind=interleaved there");
        }
        try (Connection connection = config.connect()) {
            installKeys(config, connection, KeyBlockSource.NONE);
        } catch (SiteSetupException e) {
            throw new ConnectException(e.getMessage(), e);
        } catch (SQLException e) {
            throw new RetriableException("the generated keys of site " + config.siteId() + " (" + config.jdbcUrl()
                    + ") cannot be set up: " + e.getMessage() + "; the connector will retry", e);
        }
    }

    private static void installKeys(SynclineConnectorConfig config, Connection connection, KeyBlockSource blocks)
            throws SQLException {
        Optional<KeyPlan> plan = config.keyPlan();
        if (plan.isPresent()) {
            config.engine().keyInstaller().install(connection, config.tables(), plan.get(), blocks);
        }
    }
}
