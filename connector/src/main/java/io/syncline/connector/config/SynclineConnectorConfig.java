package io.syncline.connector.config;

import io.syncline.core.SiteId;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.apply.Engine;
import io.syncline.core.site.KeyPlan;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings every Syncline connector shares: which sync group and site it serves and how to
 * reach the site's database. Subclasses add their own groups of keys.
 */
public abstract class SynclineConnectorConfig extends AbstractConfig {

    public static final String SYNC_GROUP = "sync.group";
    public static final String SITE_ID = "site.id";
    public static final String DATABASE_ENGINE = "database.engine";
    public static final String DATABASE_HOSTNAME = "database.hostname";
    public static final String DATABASE_PORT = "database.port";
    public static final String DATABASE_USER = "database.user";
    public static final String DATABASE_PASSWORD = "database.password";
    public static final String DATABASE_DBNAME = "database.dbname";
    public static final String DATABASE_CONNECT_TIMEOUT_MS = "database.connect.timeout.ms";
    public static final String TABLE_INCLUDE_LIST = "table.include.list";

    static final String GROUP_SITE = "Site";
    static final String GROUP_DATABASE = "Database";

    protected SynclineConnectorConfig(ConfigDef definition, Map<?, ?> originals) {
        super(definition, originals, false);
    }

    /** Adds the shared keys to a definition. */
    protected static ConfigDef withCommonKeys(ConfigDef def) {
        int order = 0;
        def.define(SYNC_GROUP, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new GroupName(), Importance.HIGH,
                "Name of the sync group: the set of sites that replicate the same tables. Its changes travel on "
                        + "the topic <sync.group>.changes.",
                GROUP_SITE, ++order, Width.MEDIUM, "Sync group");
        def.define(SITE_ID, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new SiteIdValidator(), Importance.HIGH,
                "Short stable id of this site within the group (1 to 32 characters of a-z, 0-9, _ or -). "
                        + "Never change it once the site has synced.",
                GROUP_SITE, ++order, Width.SHORT, "Site id");
        def.define(TABLE_INCLUDE_LIST, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new NonEmptyList(), Importance.HIGH,
                "Comma-separated tables to sync, as schema.table (schema public if omitted). Every table needs a "
                        + "primary key.",
                GROUP_SITE, ++order, Width.LONG, "Tables");
        order = 0;
        def.define(DATABASE_ENGINE, Type.STRING, Engine.POSTGRES.configName(), new EngineValidator(),
                Importance.HIGH, "The site's database engine: postgres (capture from the WAL with pgoutput) or "
                        + "mariadb (capture from the binary log in ROW format; MySQL-compatible servers untested). "
                        + "For mariadb a table schema.table is table 'table' of database 'schema'.",
                GROUP_DATABASE, ++order, Width.SHORT, "Engine");
        def.define(DATABASE_HOSTNAME, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, "Host name or address of the site's database server.",
                GROUP_DATABASE, ++order, Width.MEDIUM, "Host");
        def.define(DATABASE_PORT, Type.INT, 5432, ConfigDef.Range.between(1, 65535), Importance.HIGH,
                "Port of the site's database server.", GROUP_DATABASE, ++order, Width.SHORT, "Port");
        def.define(DATABASE_USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, "Database user; needs the REPLICATION attribute for capture and write access to "
                        + "the synced tables and the syncline schema.",
                GROUP_DATABASE, ++order, Width.MEDIUM, "User");
        def.define(DATABASE_PASSWORD, Type.PASSWORD, "", Importance.HIGH,
                "Password of the database user. Masked in REST responses and never logged.",
                GROUP_DATABASE, ++order, Width.MEDIUM, "Password");
        def.define(DATABASE_DBNAME, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, "Name of the database that holds the synced tables.",
                GROUP_DATABASE, ++order, Width.MEDIUM, "Database");
        def.define(DATABASE_CONNECT_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.between(100, 300_000),
                Importance.LOW, "How long to wait for a database connection, also during validation.",
                GROUP_DATABASE, ++order, Width.SHORT, "Connect timeout (ms)");
        return def;
    }

    public String syncGroup() {
        return getString(SYNC_GROUP);
    }

    public SiteId siteId() {
        return SiteId.of(getString(SITE_ID));
    }

    /** The names the group's topics, slots and connectors have by default. */
    public SyncGroupNames names() {
        return SyncGroupNames.of(syncGroup());
    }

    /** The topic every site of the group publishes its changes to. */
    public String changesTopic() {
        return names().changesTopic();
    }

    /** The topic every site publishes its conflict log to. */
    public String conflictsTopic() {
        return names().conflictsTopic();
    }

    public List<TableRef> tables() {
        List<TableRef> tables = new ArrayList<>();
        for (String name : getList(TABLE_INCLUDE_LIST)) {
            tables.add(TableRef.parse(name));
        }
        return tables;
    }

    /**
     * What the capture trigger of each table must keep besides the row version: per-column clocks
     * ({@code stamps}) or counter contributions ({@code counter:<column>}). Empty for most tables.
     */
    public Map<TableRef, Set<String>> trackingOptions() {
        return Map.of();
    }

    /**
     * What the installation does to the generated keys of the site's tables; empty when this
     * connector leaves them to another (the sink leaves them to the source).
     */
    public Optional<KeyPlan> keyPlan() {
        return Optional.empty();
    }

    /** The site's database engine. */
    public Engine engine() {
        return Engine.of(getString(DATABASE_ENGINE));
    }

    public String hostname() {
        return getString(DATABASE_HOSTNAME);
    }

    public int port() {
        return getInt(DATABASE_PORT);
    }

    public String user() {
        return getString(DATABASE_USER);
    }

    public Password password() {
        return getPassword(DATABASE_PASSWORD);
    }

    public String dbname() {
        return getString(DATABASE_DBNAME);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getInt(DATABASE_CONNECT_TIMEOUT_MS));
    }

    public String jdbcUrl() {
        return engine().jdbcUrl(hostname(), port(), dbname());
    }

    /** Opens a connection to the site's database, waiting at most {@link #connectTimeout()}. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user());
        props.setProperty("password", password().value());
        props.setProperty("ApplicationName", "syncline-" + getString(SITE_ID));
        engine().dialect().addDriverProperties(props, connectTimeout());
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    static final class EngineValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                Engine.of(value == null ? "" : value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, "must be postgres or mariadb");
            }
        }

        @Override
        public String toString() {
            return "[postgres, mariadb]";
        }
    }

    static final class GroupName implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString();
            if (!s.matches("[A-Za-z0-9_.-]{1,100}")) {
                throw new ConfigException(name, value,
                        "must be 1 to 100 characters of letters, digits, '.', '_' or '-' (it names Kafka topics)");
            }
        }

        @Override
        public String toString() {
            return "1 to 100 of [A-Za-z0-9_.-]";
        }
    }

    static final class SiteIdValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                SiteId.of(value == null ? "" : value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "1 to 32 of [a-z0-9_-]";
        }
    }

    static final class NonEmptyList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof List<?> list) || list.isEmpty()) {
                throw new ConfigException(name, value, "name at least one table");
            }
            for (Object item : list) {
                if (item == null || item.toString().isBlank()) {
                    throw new ConfigException(name, value, "contains an empty table name");
                }
            }
        }

        @Override
        public String toString() {
            return "non-empty list of schema.table";
        }
    }
}
