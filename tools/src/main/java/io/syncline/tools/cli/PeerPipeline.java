package io.syncline.tools.cli;

import io.syncline.testkit.SiteServer;
import io.syncline.tools.embedded.EmbeddedStack;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pipeline Syncline is measured against: Debezium's PostgreSQL connector at site a and
 * Debezium's JDBC sink connector at site b, both from Debezium's own plugin archives, on the same
 * worker, broker and databases. Configured the way their documentation shows for Kafka without a
 * schema registry (JSON with schemas), with upserts, deletes and batches, and with the same capture
 * timers and batch sizes Syncline's capture uses ({@code CaptureSettings}) and the same consumer
 * batch as Syncline's sink (Connect's default, 500 records a poll).
 */
final class PeerPipeline {

    static final String SOURCE_CLASS = "io.debezium.connector.postgresql.PostgresConnector";
    static final String SINK_CLASS = "io.debezium.connector.jdbc.JdbcSinkConnector";
    private static final String PREFIX = "benchpeer";

    private final EmbeddedStack stack;
    private final BenchTable table;

    PeerPipeline(EmbeddedStack stack, BenchTable table) {
        this.stack = stack;
        this.table = table;
    }

    String sourceName() {
        return "bench-peer-source";
    }

    String sinkName() {
        return "bench-peer-sink";
    }

    String topic() {
        return PREFIX + "." + table.name();
    }

    Map<String, String> sourceConfig(String siteId) {
        SiteServer site = stack.site(siteId);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SOURCE_CLASS);
        c.put("tasks.max", "1");
        c.put("plugin.name", "pgoutput");
        c.put("database.hostname", site.host());
        c.put("database.port", Integer.toString(site.port()));
        c.put("database.user", site.user());
        c.put("database.password", site.password());
        c.put("database.dbname", site.database());
        c.put("topic.prefix", PREFIX);
        c.put("table.include.list", table.name());
        c.put("slot.name", "bench_peer");
        c.put("publication.name", "bench_peer");
        c.put("publication.autocreate.mode", "filtered");
        c.put("snapshot.mode", "no_data");
        c.put("max.batch.size", "4096");
        c.put("max.queue.size", "16384");
        c.put("poll.interval.ms", "5");
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("topic.creation.default.partitions", "4");
        c.put("topic.creation.default.replication.factor", "-1");
        return c;
    }

    Map<String, String> sinkConfig(String siteId) {
        SiteServer site = stack.site(siteId);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SINK_CLASS);
        c.put("tasks.max", "1");
        c.put("topics", topic());
        c.put("connection.url", site.jdbcUrl());
        c.put("connection.username", site.user());
        c.put("connection.password", site.password());
        c.put("insert.mode", "upsert");
        c.put("delete.enabled", "true");
        c.put("primary.key.mode", "record_key");
        c.put("schema.evolution", "none");
        c.put("collection.name.format", table.name());
        c.put("batch.size", "500");
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        return c;
    }
}
