package io.syncline.connector.source;

import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.core.site.TableRef;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/** The configuration of the Debezium PostgreSQL task that Syncline's source task runs inside. */
final class CaptureSettings {

    static final String HEARTBEAT_PREFIX = "__debezium-heartbeat";

    private CaptureSettings() {
    }

    static Map<String, String> debezium(SynclineSourceConnectorConfig config, String connectorName) {
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
        props.put("publication.autocreate.mode", "filtered");
        StringJoiner tables = new StringJoiner(",");
        for (TableRef table : config.tables()) {
            tables.add(Pattern.quote(table.toString()));
        }
        tables.add(Pattern.quote(ChangePairing.META_TABLE));
        tables.add(Pattern.quote(ChangePairing.CONFLICTS_TABLE));
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
        props.put("provide.transaction.metadata", "false");
        // A site that only receives changes emits nothing of its own; heartbeats carry the capture's
        // position to Kafka so the stored offset, and with it the replication slot, keeps moving.
        props.put("heartbeat.interval.ms", "10000");
        props.put("topic.heartbeat.prefix", HEARTBEAT_PREFIX);
        props.put("include.unknown.datatypes", "false");
        return props;
    }
}
