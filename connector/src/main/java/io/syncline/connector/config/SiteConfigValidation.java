package io.syncline.connector.config;

import io.syncline.core.apply.Engine;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The live part of a connector's {@code validate()}: connects to the site's database (within the
 * configured timeout) and checks every table, attaching each problem to the field that caused it.
 */
public final class SiteConfigValidation {

    private SiteConfigValidation() {
    }

    /**
     * Adds live-check errors to {@code result}. Skipped when a field the check needs already has
     * an error, so the user sees the static problem first.
     */
    public static Config withLiveChecks(Config result, Map<String, String> props,
            Function<Map<String, String>, ? extends SynclineConnectorConfig> parse, boolean needsLogicalWal) {
        Map<String, ConfigValue> byName = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            byName.put(value.name(), value);
        }
        for (String needed : List.of(SynclineConnectorConfig.DATABASE_HOSTNAME, SynclineConnectorConfig.DATABASE_PORT,
                SynclineConnectorConfig.DATABASE_USER, SynclineConnectorConfig.DATABASE_DBNAME,
                SynclineConnectorConfig.TABLE_INCLUDE_LIST, SynclineConnectorConfig.SITE_ID,
                SynclineConnectorConfig.SYNC_GROUP)) {
            ConfigValue value = byName.get(needed);
            if (value == null || !value.errorMessages().isEmpty()) {
                return result;
            }
        }
        SynclineConnectorConfig config;
        try {
            config = parse.apply(props);
        } catch (RuntimeException e) {
            return result;
        }
        try (Connection connection = config.connect()) {
            if (needsLogicalWal && config.engine() == Engine.POSTGRES) {
                walLevelProblem(connection).ifPresent(problem ->
                        byName.get(SynclineConnectorConfig.DATABASE_HOSTNAME).addErrorMessage(problem));
            }
            for (TableRef table : config.tables()) {
                try {
                    config.engine().installer(config.siteId(), config.syncGroup())
                            .check(connection, table);
                } catch (SiteSetupException e) {
                    byName.get(SynclineConnectorConfig.TABLE_INCLUDE_LIST).addErrorMessage(e.getMessage());
                }
            }
        } catch (SQLException e) {
            String field = fieldOf(config.engine(), e);
            ConfigValue target = byName.get(field);
            if (target == null) {
                target = byName.get(SynclineConnectorConfig.DATABASE_HOSTNAME);
            }
            target.addErrorMessage("cannot connect to " + config.jdbcUrl() + " as " + config.user() + " within "
                    + config.connectTimeout().toMillis() + " ms: " + e.getMessage());
        }
        return result;
    }

    /** Which field a connection failure points at, as the engine's dialect reads the failure. */
    static String fieldOf(Engine engine, SQLException e) {
        return switch (engine.dialect().connectionRefusal(e)) {
            case CREDENTIALS -> SynclineConnectorConfig.DATABASE_PASSWORD;
            case DATABASE -> SynclineConnectorConfig.DATABASE_DBNAME;
            case ADDRESS -> SynclineConnectorConfig.DATABASE_HOSTNAME;
        };
    }

    private static Optional<String> walLevelProblem(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            if (!"logical".equals(level)) {
                return Optional.of("the server runs with wal_level=" + level + "; capture needs wal_level=logical "
                        + "(set it in postgresql.conf and restart the server)");
            }
        }
        return Optional.empty();
    }
}
