package io.syncline.connector.source;

import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.apply.OffsetsTable;
import io.syncline.core.apply.RowMetaTable;
import io.syncline.core.site.TableRef;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/** The configuration of the Debezium task (PostgreSQL or MariaDB) that Syncline's source task runs inside. */
final class CaptureSettings {

    static final String HEARTBEAT_PREFIX = "__debezium-heartbeat";
    private static final String TRANSACTION_TOPIC = "transaction";

    private CaptureSettings() {
    }

    /** The topic Debezium's transaction BEGIN and END markers go to (they never leave the source task). */
    static String transactionTopic(SynclineSourceConnectorConfig config) {
        return config.capturePrefix() + "." + TRANSACTION_TOPIC;
    }

    static Map<String, String> debezium(SynclineSourceConnectorConfig config, String connectorName) {
        return switch (config.engine()) {
            case POSTGRES -> postgres(config, connectorName);
            case MARIADB -> mariaDb(config, connectorName);
        };
    }

    /**
     * Debezium's MariaDB connector: the binary log from now on (no snapshot of data), tinyint(1) as
     * boolean, unsigned bigint and decimals exact, table definitions kept in a Kafka topic.
     */
    static Map<String, String> mariaDb(SynclineSourceConnectorConfig config, String connectorName) {
        if (config.schemaHistoryBootstrapServers().isBlank()) {
            throw new IllegalArgumentException(SynclineSourceConnectorConfig.SCHEMA_HISTORY_BOOTSTRAP_SERVERS
                    + " is required for a mariadb site; set it to the Kafka bootstrap servers");
        }
        Map<String, String> props = new HashMap<>();
        props.put("name", connectorName);
        props.put("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        props.put("database.hostname", config.hostname());
        props.put("database.port", Integer.toString(config.port()));
        props.put("database.user", config.user());
        props.put("database.password", config.password().value());
        props.put("database.server.id", Long.toString(config.captureServerId()));
        props.put("topic.prefix", config.capturePrefix());
        StringJoiner databases = new StringJoiner(",");
        StringJoiner tables = new StringJoiner(",");
        Set<String> seen = new LinkedHashSet<>();
        for (TableRef table : config.tables()) {
            tables.add(Pattern.quote(table.toString()));
            seen.add(table.schema());
        }
        seen.add("syncline");
        seen.forEach(db -> databases.add(Pattern.quote(db)));
        tables.add(Pattern.quote(RowMetaTable.NAME));
        tables.add(Pattern.quote(ConflictsTable.NAME));
        tables.add(Pattern.quote(OffsetsTable.NAME));
        props.put("database.include.list", databases.toString());
        props.put("table.include.list", tables.toString());
        props.put("snapshot.mode", "no_data");
        props.put("snapshot.locking.mode", "none");
        props.put("schema.history.internal.kafka.bootstrap.servers", config.schemaHistoryBootstrapServers());
        props.put("schema.history.internal.kafka.topic", config.schemaHistoryTopic());
        props.put("schema.history.internal.store.only.captured.tables.ddl", "true");
        props.put("include.schema.changes", "false");
        props.put("decimal.handling.mode", "precise");
        props.put("bigint.unsigned.handling.mode", "precise");
        props.put("time.precision.mode", "adaptive_time_microseconds");
        props.put("binary.handling.mode", "bytes");
        props.put("converters", "boolean");
        props.put("boolean.type", "io.debezium.connector.binlog.converters.TinyIntOneToBooleanConverter");
        props.put("tombstones.on.delete", "false");
        props.put("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        props.put("max.batch.size", "4096");
        props.put("max.queue.size", "16384");
        // Transaction boundaries: every change names its transaction, and an END marker closes it.
        props.put("provide.transaction.metadata", "true");
        props.put("topic.transaction", TRANSACTION_TOPIC);
        props.put("heartbeat.interval.ms", "10000");
        props.put("topic.heartbeat.prefix", HEARTBEAT_PREFIX);
        props.put("include.unknown.datatypes", "false");
        return props;
    }

    private static Map<String, String> postgres(SynclineSourceConnectorConfig config, String connectorName) {
        Map<String, String> props = new HashMap<>();
        props.put("name", connectorName);
        props.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.put("database.hostname", config.hostname());
        props.put("database.port", Integer.toString(config.port()));
        props.put("database.user", config.user());
        props.put("database.password", config.password().value());
        props.put("database.dbname", config.dbname());
        props.put("topic.prefix", config.capturePrefix());
        props.put("plugin.name", "pgoutput");
        props.put("slot.name", config.slotName());
        props.put("publication.name", config.publicationName());
        // Syncline's source task creates the publication itself, with a row filter on the meta table
        // (PostgresPublication); Debezium's own modes cannot filter rows.
        props.put("publication.autocreate.mode", "disabled");
        StringJoiner tables = new StringJoiner(",");
        for (TableRef table : config.tables()) {
            tables.add(Pattern.quote(table.toString()));
        }
        tables.add(Pattern.quote(RowMetaTable.NAME));
        tables.add(Pattern.quote(ConflictsTable.NAME));
        tables.add(Pattern.quote(OffsetsTable.NAME));
        props.put("table.include.list", tables.toString());
        // Sites start from the same data; history before the slot existed is not shipped.
        props.put("snapshot.mode", "no_data");
        props.put("decimal.handling.mode", "precise");
        props.put("time.precision.mode", "adaptive_time_microseconds");
        props.put("binary.handling.mode", "bytes");
        props.put("interval.handling.mode", "string");
        props.put("hstore.handling.mode", "json");
        props.put("tombstones.on.delete", "false");
        props.put("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        props.put("status.update.interval.ms", "1000");
        props.put("max.batch.size", "4096");
        props.put("max.queue.size", "16384");
        props.put("slot.drop.on.stop", "false");
        // Transaction boundaries: every change names its transaction, and an END marker closes it.
        props.put("provide.transaction.metadata", "true");
        props.put("topic.transaction", TRANSACTION_TOPIC);
        // A site that only receives changes emits nothing of its own; heartbeats carry the capture's
        // position to Kafka so the stored offset, and with it the replication slot, keeps moving.
        props.put("heartbeat.interval.ms", "10000");
        props.put("topic.heartbeat.prefix", HEARTBEAT_PREFIX);
        props.put("include.unknown.datatypes", "false");
        return props;
    }
}
