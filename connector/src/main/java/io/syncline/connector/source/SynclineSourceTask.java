package io.syncline.connector.source;

import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.connector.config.Version;
import io.syncline.connector.metrics.SourceTaskMetrics;
import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.apply.Engine;
import io.syncline.core.apply.OffsetsTable;
import io.syncline.core.site.KeyKind;
import io.syncline.core.site.KeyPlan;
import io.syncline.core.site.PostgresPublication;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures one site's own writes: runs Debezium's PostgreSQL task (pgoutput) or MariaDB task
 * (binary log, chosen by {@code database.engine}), pairs each row
 * change with its meta change, drops what another site wrote, and emits one Avro change envelope
 * per row change to {@code <group>.changes}, keyed by the origin site: each site's changes are one
 * ordered stream, in its commit order. Every envelope carries its source transaction
 * ({@link TransactionStamps}): receiving sites apply a transaction whole, after what it depends on.
 */
public class SynclineSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(SynclineSourceTask.class);
    private static final String OFFSETS_TABLE = "offsets";

    private final ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
    private SourceTask capture;
    private ChangePairing pairing;
    private TransactionStamps stamps;
    private String transactionTopic;
    private AckChain chain;
    private String topic;
    private String conflictsTopic;
    private String heartbeatTopic;
    private String siteId;
    private long emitted;
    private SourceTaskMetrics metrics;
    private KeyBlockTopUp keyBlocks;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        SynclineSourceConnectorConfig config = new SynclineSourceConnectorConfig(props);
        topic = config.changesTopic();
        conflictsTopic = config.conflictsTopic();
        heartbeatTopic = config.names().heartbeatsTopic();
        siteId = config.siteId().value();
        pairing = new ChangePairing(config.siteId(), config.engine() == Engine.POSTGRES);
        chain = new AckChain();
        WalRetention.check(config);
        boolean filterOrigin = false;
        if (config.engine() == Engine.POSTGRES) {
            filterOrigin = preparePublication(config);
        }
        stamps = new TransactionStamps(appliedOffsets(config));
        transactionTopic = CaptureSettings.transactionTopic(config);
        capture = switch (config.engine()) {
            case POSTGRES -> new PostgresConnectorTask();
            case MARIADB -> new MariaDbConnectorTask();
        };
        capture.initialize(context);
        Map<String, String> debezium = CaptureSettings.debezium(config, props.getOrDefault("name", config.capturePrefix()));
        if (filterOrigin) {
            // PostgreSQL 16+: the walsender skips what the site's sinks applied (ApplyOrigin) instead of sending it.
            debezium.put("slot.stream.params", "origin=none");
        }
        capture.start(debezium);
        startKeyBlockTopUp(config);
        metrics = SourceTaskMetrics.register(props.getOrDefault("name", config.capturePrefix()), config.syncGroup(),
                config.siteId().value());
        LOG.info("Capturing site {} of group {} ({} tables) to topic {}", config.siteId(), config.syncGroup(),
                config.tables().size(), topic);
    }

    /** With {@code keys.kind=coordinator-blocks}: moves sequences to their next block before they run out. */
    private void startKeyBlockTopUp(SynclineSourceConnectorConfig config) {
        KeyPlan plan = config.keyPlan().orElseThrow();
        if (plan.kind() == KeyKind.COORDINATOR_BLOCKS) {
            keyBlocks = KeyBlockTopUp.start(config, plan, CoordinatorKeyBlocks.connect(config.coordinatorPeers(),
                    config.syncGroup(), config.siteId().value(), config.keyBlockCheckInterval()));
        }
    }

    /**
     * Creates or updates the publication the capture reads (PostgreSQL; see {@link PostgresPublication}).
     *
     * @return whether the server filters changes by origin (PostgreSQL 16 and later)
     */
    private static boolean preparePublication(SynclineSourceConnectorConfig config) {
        try (Connection connection = config.connect()) {
            boolean filtered = PostgresPublication.ensure(connection, config.publicationName(), config.tables());
            if (!filtered) {
                LOG.warn("syncline.row_meta at site {} lacks REPLICA IDENTITY FULL, so publication {} ships every "
                        + "meta change and the capture drops applied ones itself; restart the source connector "
                        + "(it installs schema version 6) to let the server filter them", config.siteId(),
                        config.publicationName());
            }
            boolean byOrigin = connection.getMetaData().getDatabaseMajorVersion() >= 16;
            LOG.info("Site {} runs PostgreSQL {}: {}", config.siteId(), connection.getMetaData()
                    .getDatabaseProductVersion(), byOrigin ? "the capture reads with origin=none, so the server "
                    + "never sends what Syncline applied here" : "the capture drops what Syncline applied here itself");
            return byOrigin;
        } catch (SQLException e) {
            throw new ConnectException("site " + config.siteId() + ": could not create or update publication "
                    + config.publicationName() + " (SQLSTATE " + e.getSQLState() + ": " + e.getMessage()
                    + "); the database user must own the synced tables or be a superuser", e);
        }
    }

    /**
     * How far this site's sink had applied the changes topic when the capture starts: the stream it
     * resumes may begin after the last offsets change it would have seen, so the table itself is
     * the floor (a later value only makes the first transactions' dependencies stricter).
     */
    private static Map<Integer, Long> appliedOffsets(SynclineSourceConnectorConfig config) {
        try (Connection connection = config.connect()) {
            return OffsetsTable.highestStored(connection, config.changesTopic());
        } catch (SQLException e) {
            throw new RetriableException("site " + config.siteId() + ": could not read syncline.offsets (SQLSTATE "
                    + e.getSQLState() + ": " + e.getMessage() + "); the task will retry", e);
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> captured = capture.poll();
        if (captured == null || captured.isEmpty()) {
            handBack();
            return null;
        }
        metrics.captured(captured.size());
        List<SourceRecord> out = new ArrayList<>();
        for (SourceRecord record : captured) {
            chain.captured(record);
            if (transactionTopic.equals(record.topic())) {
                transactionMarker(record, out);
                continue;
            }
            if (offsetsChange(record)) {
                chain.drop(record);
                continue;
            }
            if (record.topic() != null && record.topic().startsWith(CaptureSettings.HEARTBEAT_PREFIX)) {
                if (stamps.holding()) {
                    // Its position is past the held event's: committed first, it would let a restart skip it.
                    chain.drop(record);
                    continue;
                }
                SourceRecord heartbeat = new SourceRecord(record.sourcePartition(), record.sourceOffset(),
                        heartbeatTopic, null, Schema.STRING_SCHEMA, siteId, Schema.BYTES_SCHEMA, new byte[0],
                        System.currentTimeMillis());
                chain.emit(heartbeat, List.of(record));
                out.add(heartbeat);
                continue;
            }
            ChangePairing.Outcome outcome = pairing.accept(record);
            for (SourceRecord dropped : outcome.dropped()) {
                chain.drop(dropped);
            }
            if (outcome.conflict().isPresent()) {
                SourceRecord conflict = conflictRecord(outcome.conflict().get(), record);
                chain.emit(conflict, List.of(record));
                out.add(conflict);
                metrics.conflictPublished();
            }
            if (outcome.paired().isPresent()) {
                ChangePairing.Paired paired = outcome.paired().get();
                emit(stamps.event(paired.event(), transactionIdOf(record), paired.carried()), out);
            }
        }
        emitted += out.size();
        metrics.droppedForeign(pairing.droppedForeign());
        metrics.pairingBuffered(pairing.buffered(), pairing.bufferedPeak());
        handBack();
        return out.isEmpty() ? null : out;
    }

    private void emit(List<TransactionStamps.Stamped> ready, List<SourceRecord> out) {
        for (TransactionStamps.Stamped stamped : ready) {
            SourceRecord envelope = toRecord(stamped);
            chain.emit(envelope, stamped.carried());
            out.add(envelope);
            metrics.emitted(stamped.event());
        }
    }

    /** Debezium's BEGIN or END of a transaction: an END releases the transaction's last event. */
    private void transactionMarker(SourceRecord record, List<SourceRecord> out) {
        if (record.value() instanceof Struct marker && "END".equals(marker.getString("status"))) {
            List<TransactionStamps.Stamped> last = stamps.end(record);
            if (!last.isEmpty()) {
                emit(last, out);
                return;
            }
        }
        chain.drop(record);
    }

    /** A change of {@code syncline.offsets}: how far this site's sink has applied a partition of the changes topic. */
    private boolean offsetsChange(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("source") == null) {
            return false;
        }
        Struct source = value.getStruct("source");
        if (!OFFSETS_TABLE.equals(source.getString("table")) || !"syncline".equals(namespaceOf(source))) {
            return false;
        }
        Struct after = value.schema().field("after") == null ? null : value.getStruct("after");
        if (after != null && topic.equals(after.getString("topic")) && after.get("next_offset") != null) {
            stamps.applied(((Number) after.get("kafka_partition")).intValue(),
                    ((Number) after.get("next_offset")).longValue());
        }
        return true;
    }

    private static String namespaceOf(Struct source) {
        if (source.schema().field("schema") != null && source.get("schema") != null) {
            return source.getString("schema");
        }
        return source.schema().field("db") == null ? null : source.getString("db");
    }

    /**
     * The origin's id of a change's transaction, the same for all of its changes and across a
     * capture restart: PostgreSQL's transaction id (Debezium's own transaction id there names the
     * LSN of each change too), a MariaDB transaction's GTID; else Debezium's metadata; null if none.
     */
    private static String transactionIdOf(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("source") == null) {
            return null;
        }
        Struct source = value.getStruct("source");
        if (source.schema().field("txId") != null && source.get("txId") != null) {
            return "xid:" + source.get("txId");
        }
        if (source.schema().field("gtid") != null && source.get("gtid") != null) {
            return "gtid:" + source.get("gtid");
        }
        Struct transaction = value.schema().field("transaction") == null ? null : value.getStruct("transaction");
        return transaction == null ? null : transaction.getString("id");
    }

    private SourceRecord toRecord(TransactionStamps.Stamped stamped) {
        ChangeEvent event = stamped.event();
        // The last captured record the event carries gives the position to resume from.
        SourceRecord last = stamped.carried().get(stamped.carried().size() - 1);
        long timestampMs = event.commitTimeMicros() > 0 ? event.commitTimeMicros() / 1000 : System.currentTimeMillis();
        return new SourceRecord(last.sourcePartition(), last.sourceOffset(), topic, null, Schema.STRING_SCHEMA,
                event.origin().value(), Schema.BYTES_SCHEMA, codec.encode(event, stamped.transaction()), timestampMs);
    }

    /** A row of the site's conflict log, published as JSON to {@code <group>.conflicts}. */
    private SourceRecord conflictRecord(Struct row, SourceRecord captured) {
        String key = row.getString("table_name") + "/" + row.getString("pk");
        return new SourceRecord(captured.sourcePartition(), captured.sourceOffset(), conflictsTopic, null,
                Schema.STRING_SCHEMA, key, Schema.BYTES_SCHEMA,
                StructJson.render(row).getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) throws InterruptedException {
        chain.acknowledged(record);
        handBack();
    }

    /** Hands Debezium every captured record whose predecessors all reached Kafka. */
    private void handBack() throws InterruptedException {
        for (SourceRecord record : chain.ready()) {
            capture.commitRecord(record, null);
        }
    }

    @Override
    public void commit() throws InterruptedException {
        capture.commit();
    }

    @Override
    public void stop() {
        if (metrics != null) {
            metrics.close();
        }
        if (keyBlocks != null) {
            keyBlocks.close();
        }
        if (capture != null) {
            capture.stop();
            LOG.info("Capture stopped after {} change events; {} applied changes of other sites not re-shipped",
                    emitted, pairing == null ? 0 : pairing.droppedForeign());
        }
    }
}
