package io.syncline.connector.source;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.MetaJson;
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
 * and turns the pair into a {@link ChangeEvent}. The row change always comes first (the trigger
 * runs after the row is written, and an apply writes rows before meta). A pair whose meta origin
 * is another site was applied here, not written here, and is dropped: this is what keeps changes
 * from echoing around the mesh.
 */
final class ChangePairing {

    static final String META_TABLE = "syncline.row_meta";
    static final String CONFLICTS_TABLE = "syncline.conflicts";

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

    private record RowId(String table, String key) {
    }

    private record PendingRow(SourceRecord record, ChangeEvent.Op op, List<String> keyColumns,
            Map<String, ColumnValue> columns, Object txId) {
    }

    private final SiteId self;
    private final Map<RowId, PendingRow> pending = new HashMap<>();
    private Object currentTx;
    private long droppedForeign;
    private long unpaired;

    ChangePairing(SiteId self) {
        this.self = Objects.requireNonNull(self, "self");
    }

    Outcome accept(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("source") == null
                || value.schema().field("op") == null) {
            return new Outcome(Optional.empty(), List.of(record));
        }
        Struct source = value.getStruct("source");
        Object txId = source.schema().field("txId") == null ? null : source.get("txId");
        List<SourceRecord> dropped = new ArrayList<>();
        if (txId != null && !txId.equals(currentTx)) {
            dropStale(txId, dropped);
            currentTx = txId;
        }
        String table = source.getString("schema") + "." + source.getString("table");
        if (META_TABLE.equals(table)) {
            return meta(record, value, source, dropped);
        }
        if (CONFLICTS_TABLE.equals(table)) {
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
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        Struct from = image == null ? key : image;
        for (Field field : from.schema().fields()) {
            columns.put(field.name(), DebeziumValues.toColumnValue(field.schema(), from.get(field)));
        }
        UnavailableValues.strip(table, value, keyColumns, columns);
        ChangeEvent.Op kind = "d".equals(op) ? ChangeEvent.Op.DELETE : ChangeEvent.Op.UPSERT;
        PendingRow previous = pending.put(new RowId(table, KeyText.of(keyParts)),
                new PendingRow(record, kind, keyColumns, columns, txId));
        if (previous != null) {
            unpaired(table, previous, dropped);
        }
        return new Outcome(Optional.empty(), dropped);
    }

    private Outcome meta(SourceRecord record, Struct value, Struct source, List<SourceRecord> dropped) {
        dropped.add(record);
        Struct after = value.getStruct("after");
        if (after == null) {
            return new Outcome(Optional.empty(), dropped);
        }
        String table = after.getString("table_name");
        String key = after.getString("pk");
        PendingRow row = pending.remove(new RowId(table, key));
        String origin = after.getString("origin");
        Boolean localWrite = after.schema().field("local_write") == null ? Boolean.TRUE : after.getBoolean("local_write");
        if (row == null) {
            // A meta change without a row change: a placeholder, or a conflict the local version won.
            return new Outcome(Optional.empty(), dropped);
        }
        if (!self.value().equals(origin) || !Boolean.TRUE.equals(localWrite)) {
            // Written by a Syncline apply (another site's change, or a merge of concurrent ones).
            droppedForeign++;
            dropped.add(row.record());
            return new Outcome(Optional.empty(), dropped);
        }
        dropped.remove(record);
        ChangeEvent event = new ChangeEvent(table, key, row.op(), row.keyColumns(), row.columns(),
                VersionVector.parse(after.getString("vv")), new Dot(self, after.getInt64("seq")),
                after.getInt64("hlc"), commitMicros(source), position(source),
                MetaJson.parseStamps(optionalText(after, "col_stamps")),
                MetaJson.parseCounters(optionalText(after, "counters")));
        return new Outcome(Optional.of(new Paired(event, List.of(row.record(), record))), dropped);
    }

    /** Row changes of an earlier transaction still waiting for meta will never get it. */
    private void dropStale(Object txId, List<SourceRecord> dropped) {
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
        return lsn == null ? "" : "lsn:" + lsn;
    }

    long droppedForeign() {
        return droppedForeign;
    }

    long unpaired() {
        return unpaired;
    }
}
