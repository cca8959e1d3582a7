package io.syncline.connector.source;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.RowId;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.apply.MetaJson;
import io.syncline.core.apply.RowMetaTable;
import io.syncline.core.site.KeyText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pairs each captured row change with the meta change its trigger wrote in the same transaction
 * and turns the pair into a {@link ChangeEvent}. The two come in either order: the capture trigger
 * runs before its row is written (meta first), an apply writes rows before meta. Whichever comes
 * first waits until the other arrives, so a local write of any size holds at most one pair here.
 * A pair whose meta origin is another site was applied here, not written here, and is dropped:
 * this is what keeps changes from echoing around the mesh.
 *
 * <p>At a PostgreSQL site ({@code metaFirst}) a local write's meta change always comes first (the
 * {@code BEFORE} trigger), and the publication leaves applied meta changes out
 * ({@code PostgresPublication}): a row change that finds no meta change waiting was applied here,
 * and is dropped at once, unconverted.
 */
final class ChangePairing {

    private static final Logger LOG = LoggerFactory.getLogger(ChangePairing.class);

    /** A change event ready to ship, and the captured records it carries. */
    record Paired(ChangeEvent event, List<SourceRecord> carried) {
    }

    /**
     * What happened to one captured record: a change event to ship, or a conflict-log row to
     * publish (the captured record itself), and the captured records that will not reach Kafka.
     */
    record Outcome(Optional<Paired> paired, Optional<Struct> conflict, List<SourceRecord> dropped) {
        Outcome(Optional<Paired> paired, List<SourceRecord> dropped) {
            this(paired, Optional.empty(), dropped);
        }
    }

    private record PendingRow(SourceRecord record, ChangeEvent.Op op, List<String> keyColumns, Struct image,
            Object txId) {

        Map<String, ColumnValue> columns(String table) {
            Map<String, ColumnValue> columns = new LinkedHashMap<>();
            for (Field field : image.schema().fields()) {
                columns.put(field.name(), DebeziumValues.toColumnValue(field.schema(), image.get(field)));
            }
            UnavailableValues.strip(table, (Struct) record.value(), keyColumns, columns);
            return columns;
        }
    }

    private record PendingMeta(SourceRecord record, Struct after, Struct source, Object txId) {
    }

    private final SiteId self;
    private final boolean metaFirst;
    private final Map<RowId, PendingRow> pending = new HashMap<>();
    private final Map<RowId, PendingMeta> pendingMeta = new HashMap<>();
    private int bufferedPeak;
    private Object currentTx;
    private long droppedForeign;
    private long unpaired;

    ChangePairing(SiteId self) {
        this(self, false);
    }

    /**
     * @param metaFirst whether every local write's meta change comes before its row change
     *     (PostgreSQL), so that a row change with none waiting is an applied one
     */
    ChangePairing(SiteId self, boolean metaFirst) {
        this.self = Objects.requireNonNull(self, "self");
        this.metaFirst = metaFirst;
    }

    Outcome accept(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("source") == null
                || value.schema().field("op") == null) {
            return new Outcome(Optional.empty(), List.of(record));
        }
        Struct source = value.getStruct("source");
        Object txId = transactionOf(source);
        List<SourceRecord> dropped = new ArrayList<>();
        if (txId != null && !txId.equals(currentTx)) {
            dropStale(txId, dropped);
            currentTx = txId;
        }
        String table = namespaceOf(source) + "." + source.getString("table");
        if (RowMetaTable.NAME.equals(table)) {
            return meta(record, value, source, txId, dropped);
        }
        if (ConflictsTable.NAME.equals(table)) {
            Struct after = value.getStruct("after");
            if (after == null || !"c".equals(value.getString("op"))) {
                dropped.add(record);
                return new Outcome(Optional.empty(), dropped);
            }
            return new Outcome(Optional.empty(), Optional.of(after), dropped);
        }
        String op = value.getString("op");
        Struct image = "d".equals(op) ? value.getStruct("before") : value.getStruct("after");
        Struct key = (Struct) record.key();
        if (key == null) {
            LOG.warn("A change of {} has no primary key; it is not shipped", table);
            dropped.add(record);
            return new Outcome(Optional.empty(), dropped);
        }
        List<String> keyColumns = new ArrayList<>();
        List<String> keyParts = new ArrayList<>();
        for (Field field : key.schema().fields()) {
            keyColumns.add(field.name());
            keyParts.add(DebeziumValues.keyText(field.schema(), key.get(field)));
        }
        ChangeEvent.Op kind = "d".equals(op) ? ChangeEvent.Op.DELETE : ChangeEvent.Op.UPSERT;
        RowId id = new RowId(table, KeyText.of(keyParts));
        // The column values are converted only once the meta change says the write is this site's:
        // most rows a receiving site captures are applied changes, dropped unconverted.
        PendingRow row = new PendingRow(record, kind, keyColumns, image == null ? key : image, txId);
        PendingMeta meta = pendingMeta.remove(id);
        if (meta != null) {
            return pair(row, meta.record(), meta.after(), source, dropped);
        }
        if (metaFirst) {
            droppedForeign++;
            dropped.add(record);
            return new Outcome(Optional.empty(), dropped);
        }
        PendingRow previous = pending.put(id, row);
        if (previous != null) {
            unpaired(table, previous, dropped);
        }
        noteBuffered();
        return new Outcome(Optional.empty(), dropped);
    }

    private Outcome meta(SourceRecord record, Struct value, Struct source, Object txId, List<SourceRecord> dropped) {
        Struct after = value.getStruct("after");
        if (after == null) {
            dropped.add(record);
            return new Outcome(Optional.empty(), dropped);
        }
        RowId id = new RowId(after.getString("table_name"), after.getString("pk"));
        PendingRow row = pending.remove(id);
        if (row == null) {
            PendingMeta previous = pendingMeta.put(id, new PendingMeta(record, after, source, txId));
            if (previous != null) {
                // Two meta changes of one key without a row change between them: the first had none.
                dropped.add(previous.record());
            }
            noteBuffered();
            return new Outcome(Optional.empty(), dropped);
        }
        return pair(row, record, after, source, dropped);
    }

    /** A row change and its meta change; {@code source} is that of the later of the two. */
    private Outcome pair(PendingRow row, SourceRecord record, Struct after, Struct source, List<SourceRecord> dropped) {
        String table = after.getString("table_name");
        String key = after.getString("pk");
        String origin = after.getString("origin");
        Boolean localWrite = after.schema().field("local_write") == null ? Boolean.TRUE : flag(after.get("local_write"));
        if (!self.value().equals(origin) || !Boolean.TRUE.equals(localWrite)) {
            // Written by a Syncline apply (another site's change, or a merge of concurrent ones).
            droppedForeign++;
            dropped.add(row.record());
            dropped.add(record);
            return new Outcome(Optional.empty(), dropped);
        }
        ChangeEvent event = new ChangeEvent(table, key, row.op(), row.keyColumns(), row.columns(table),
                VersionVector.parse(after.getString("vv")), new Dot(self, after.getInt64("seq")),
                after.getInt64("hlc"), commitMicros(source), position(source),
                MetaJson.parseStamps(optionalText(after, "col_stamps")),
                MetaJson.parseCounters(optionalText(after, "counters")));
        return new Outcome(Optional.of(new Paired(event, List.of(row.record(), record))), dropped);
    }

    /**
     * Row changes of an earlier transaction still waiting for meta will never get it; meta changes
     * still waiting for their row had none (a placeholder, a conflict the local version won, a row
     * change another trigger suppressed).
     */
    private void dropStale(Object txId, List<SourceRecord> dropped) {
        Iterator<PendingMeta> metas = pendingMeta.values().iterator();
        while (metas.hasNext()) {
            PendingMeta meta = metas.next();
            if (!txId.equals(meta.txId())) {
                dropped.add(meta.record());
                metas.remove();
            }
        }
        Iterator<Map.Entry<RowId, PendingRow>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<RowId, PendingRow> entry = it.next();
            if (!txId.equals(entry.getValue().txId())) {
                unpaired(entry.getKey().table(), entry.getValue(), dropped);
                it.remove();
            }
        }
    }

    private void unpaired(String table, PendingRow row, List<SourceRecord> dropped) {
        unpaired++;
        LOG.warn("A change of table {} had no Syncline meta entry in its transaction and is not shipped; "
                + "is the capture trigger installed and enabled on the table?", table);
        dropped.add(row.record());
    }

    /**
     * The transaction of a captured change: PostgreSQL's txId; MariaDB's source block has none, but
     * every transaction in its binary log has a GTID.
     */
    private static Object transactionOf(Struct source) {
        if (source.schema().field("txId") != null && source.get("txId") != null) {
            return source.get("txId");
        }
        return source.schema().field("gtid") == null ? null : source.get("gtid");
    }

    /** PostgreSQL's schema, MariaDB's database (its source block has no schema). */
    private static String namespaceOf(Struct source) {
        if (source.schema().field("schema") != null && source.get("schema") != null) {
            return source.getString("schema");
        }
        return source.getString("db");
    }

    /** A boolean column: BOOLEAN from PostgreSQL, and from MariaDB's tinyint(1) either BOOLEAN or a number. */
    private static Boolean flag(Object value) {
        if (value instanceof Number n) {
            return n.intValue() != 0;
        }
        return (Boolean) value;
    }

    private static String optionalText(Struct struct, String field) {
        return struct.schema().field(field) == null ? null : struct.getString(field);
    }

    private static long commitMicros(Struct source) {
        if (source.schema().field("ts_us") != null && source.get("ts_us") != null) {
            return source.getInt64("ts_us");
        }
        Object ms = source.get("ts_ms");
        return ms == null ? 0 : ((Number) ms).longValue() * 1000L;
    }

    private static String position(Struct source) {
        Object lsn = source.schema().field("lsn") == null ? null : source.get("lsn");
        if (lsn != null) {
            return "lsn:" + lsn;
        }
        if (source.schema().field("file") != null && source.get("file") != null) {
            return "binlog:" + source.get("file") + ":" + source.get("pos") + ":" + source.get("row");
        }
        return "";
    }

    private void noteBuffered() {
        bufferedPeak = Math.max(bufferedPeak, buffered());
    }

    /** Captured changes waiting for their partner now. */
    int buffered() {
        return pending.size() + pendingMeta.size();
    }

    /** The most captured changes that ever waited for their partners at once. */
    int bufferedPeak() {
        return bufferedPeak;
    }

    long droppedForeign() {
        return droppedForeign;
    }

    long unpaired() {
        return unpaired;
    }
}
