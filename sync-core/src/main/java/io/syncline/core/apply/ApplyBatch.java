package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.RowId;
import io.syncline.core.SiteId;
import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One batch inside the apply transaction: lock the data rows, then meta, decide every event against the version the
 * site holds (including earlier events of the same batch), then write each row's final state once,
 * the meta entries, the conflict log and the ledger.
 */
final class ApplyBatch {

    private final SiteApplier applier;
    private final Connection connection;
    private final Map<RowId, RowVersion> current = new HashMap<>();
    private final Map<RowId, ChangeEvent> writes = new LinkedHashMap<>();
    private final Map<RowId, RowVersion> newMeta = new LinkedHashMap<>();
    private final List<ChangeEvent> appliedEvents = new ArrayList<>();
    private final ConflictLog conflicts = new ConflictLog();

    ApplyBatch(SiteApplier applier, Connection connection) {
        this.applier = applier;
        this.connection = connection;
    }

    ApplyResult apply(List<ChangeEvent> events) throws SQLException {
        SiteId self = applier.self();
        List<ChangeEvent> foreign = new ArrayList<>(events.size());
        int skipped = 0;
        for (ChangeEvent e : events) {
            if (e.origin().equals(self)) {
                skipped++;
            } else {
                foreign.add(e);
            }
        }
        if (foreign.isEmpty()) {
            return new ApplyResult(0, skipped, 0, List.of());
        }
        // Data rows before meta entries, as a local write and its capture trigger lock them.
        RowLocks.lock(applier, connection, foreign);
        List<ChangeEvent> rest = new ArrayList<>(foreign.size());
        int applied = applyFirstVersions(foreign, rest);
        if (!rest.isEmpty()) {
            lockMeta(rest);
        }
        for (ChangeEvent e : rest) {
            RowId id = e.rowId();
            RowVersion local = current.getOrDefault(id, RowVersion.NONE);
            if (e.vv().dominatedBy(local.vv())) {
                skipped++;
                continue;
            }
            if (local.vv().dominatedBy(e.vv())) {
                accept(id, e, versionOf(e), e);
                applied++;
                continue;
            }
            if (resolve(id, e, local)) {
                applied++;
            }
        }
        writeData();
        writeMeta();
        conflicts.write(applier.dialect(), connection, self, applier.origin());
        if (applier.ledger() && !appliedEvents.isEmpty()) {
            ApplyLedgerTable.record(connection, appliedEvents);
        }
        return new ApplyResult(applied, skipped, conflicts.size(), List.of());
    }

    /** The conflicts {@link #apply} logged. */
    List<LoggedConflict> logged() {
        return conflicts.logged();
    }

    /**
     * The changes of keys this site has no meta entry for, where the batch holds one change of the
     * key: such a change is applied as it is (nothing local to compare with; a change with an empty
     * vector, which {@link RowVersion#NONE} dominates, is left to the general path), so its meta entry is
     * written first, in one statement for all of them, and is then neither locked, nor read, nor
     * written again. The other changes, and those whose key got an entry meanwhile, are added to
     * {@code rest}, in batch order. Returns how many were applied.
     */
    private int applyFirstVersions(List<ChangeEvent> events, List<ChangeEvent> rest) throws SQLException {
        Map<RowId, Integer> perKey = new HashMap<>();
        for (ChangeEvent e : events) {
            perKey.merge(e.rowId(), 1, Integer::sum);
        }
        List<MetaEntry> first = new ArrayList<>();
        for (ChangeEvent e : events) {
            if (perKey.get(e.rowId()) == 1 && !e.vv().dominatedBy(RowVersion.NONE.vv())) {
                first.add(new MetaEntry(e.rowId(), versionOf(e)));
            }
        }
        Set<RowId> written = first.isEmpty() ? Set.of() : applier.dialect().insertFirstMeta(connection, first);
        int applied = 0;
        for (ChangeEvent e : events) {
            RowId id = e.rowId();
            if (written.contains(id)) {
                current.put(id, versionOf(e));
                writes.put(id, e);
                appliedEvents.add(e);
                applied++;
            } else {
                rest.add(e);
            }
        }
        return applied;
    }

    /** Writes {@code write} as the row's new state; {@code incoming} is the change that brought it. */
    private void accept(RowId id, ChangeEvent write, RowVersion version, ChangeEvent incoming) {
        current.put(id, version);
        newMeta.put(id, version);
        writes.remove(id);
        writes.put(id, write);
        appliedEvents.add(incoming);
    }

    /** Resolves a conflict; true when the incoming version's change was (wholly or partly) applied. */
    private boolean resolve(RowId id, ChangeEvent e, RowVersion localMeta) throws SQLException {
        RowState local = localState(id, e, localMeta);
        RowState incoming = stateOf(e);
        ConflictType type = ConflictType.of(local, incoming);
        Resolution resolution = type == ConflictType.UPDATE_DELETE && isReferenced(e.table())
                ? parentDeletionWins(local, incoming)
                : applier.arbiter().resolve(e.table(), type, local, incoming);
        RowState result = resolution.result();
        conflicts.add(new ConflictLog.Entry(id, type, local, incoming, resolution));
        RowVersion version = new RowVersion(result.vv(), result.hlc(), result.origin(), result.sequence(),
                result.deleted(), result.columnStamps(), result.counters());
        switch (resolution.winner()) {
            case LOCAL -> {
                current.put(id, version);
                newMeta.put(id, version);
                return false;
            }
            case INCOMING -> accept(id, e, version, e);
            case MERGED -> accept(id, eventOf(e, result), version, e);
            default -> throw new IllegalStateException("unknown winner " + resolution.winner());
        }
        return true;
    }

    /**
     * Whether rows of other tables reference this table's rows by a foreign key at this site. Such a
     * parent's deletion always wins an update/delete conflict ({@link #parentDeletionWins}): sites
     * that met the deletion first have already removed or refused its children (a cascade, or a
     * {@code foreign-key} conflict), which an update winning later could not bring back.
     */
    private boolean isReferenced(String table) throws SQLException {
        TableRef ref = TableRef.parse(table);
        for (ForeignKey key : applier.foreignKeysOf(connection, ref)) {
            if (key.parent().equals(ref)) {
                return true;
            }
        }
        return false;
    }

    /** The deleted version wins, with both vectors joined, whichever side it is: the same at every site. */
    private static Resolution parentDeletionWins(RowState local, RowState incoming) {
        RowState deleted = local.deleted() ? local : incoming;
        return new Resolution(deleted.withVv(local.vv().join(incoming.vv())),
                deleted == local ? Resolution.Winner.LOCAL : Resolution.Winner.INCOMING, ParentDeleteWins.RULE);
    }

    /** The version the site holds, with its data: from this batch if written here, else from the table. */
    private RowState localState(RowId id, ChangeEvent incoming, RowVersion meta) throws SQLException {
        if (meta.deleted()) {
            return new RowState(true, Map.of(), meta.vv(), meta.hlc(), meta.origin(), meta.sequence(),
                    meta.columnStamps(), meta.counters());
        }
        ChangeEvent pending = writes.get(id);
        Map<String, ColumnValue> columns;
        if (pending != null) {
            columns = pending.columns();
        } else {
            var rows = applier.statementsFor(connection, TableRef.parse(incoming.table()));
            List<ColumnValue> key = new ArrayList<>();
            for (String column : incoming.keyColumns()) {
                key.add(incoming.columns().get(column));
            }
            columns = applier.dialect().readRow(connection, rows.shape(), key).orElse(Map.of());
        }
        return new RowState(columns.isEmpty(), columns, meta.vv(), meta.hlc(), meta.origin(), meta.sequence(),
                meta.columnStamps(), meta.counters());
    }

    /** An event's version as conflict resolution sees it. */
    static RowState stateOf(ChangeEvent e) {
        boolean deleted = e.op() == ChangeEvent.Op.DELETE;
        return new RowState(deleted, deleted ? Map.of() : e.columns(), e.vv(), e.hlc(), e.origin(),
                e.dot().sequence(), e.columnStamps(), e.counters());
    }

    /** The event that writes a merged version; a merged deletion keeps the incoming key columns. */
    private static ChangeEvent eventOf(ChangeEvent incoming, RowState result) {
        Map<String, ColumnValue> columns = result.columns();
        if (result.deleted()) {
            columns = new LinkedHashMap<>();
            for (String column : incoming.keyColumns()) {
                columns.put(column, incoming.columns().get(column));
            }
        }
        return new ChangeEvent(incoming.table(), incoming.key(),
                result.deleted() ? ChangeEvent.Op.DELETE : ChangeEvent.Op.UPSERT, incoming.keyColumns(), columns,
                result.vv(), new Dot(result.origin(), result.sequence()), result.hlc(), incoming.commitTimeMicros(),
                incoming.sourcePosition(), result.columnStamps(), result.counters());
    }

    private static RowVersion versionOf(ChangeEvent e) {
        return new RowVersion(e.vv(), e.hlc(), e.origin(), e.dot().sequence(), e.op() == ChangeEvent.Op.DELETE,
                e.columnStamps(), e.counters());
    }

    private void lockMeta(List<ChangeEvent> events) throws SQLException {
        Set<RowId> ids = new LinkedHashSet<>();
        for (ChangeEvent e : events) {
            ids.add(e.rowId());
        }
        applier.dialect().lockMeta(connection, new ArrayList<>(ids), entry -> current.put(entry.id(), entry.version()));
    }

    /**
     * Deletes first (a row deleted in this batch may free a unique value that an upsert reuses), children
     * before parents; then upserts, parents before children: the database checks foreign keys per
     * statement. Within a table rows are grouped by statement, in first-appearance order, except in a
     * table that references itself (or is part of a cycle), whose rows keep batch order.
     */
    private void writeData() throws SQLException {
        Map<TableRef, List<ChangeEvent>> deletes = new LinkedHashMap<>();
        Map<TableRef, List<ChangeEvent>> upserts = new LinkedHashMap<>();
        Set<TableRef> tables = new LinkedHashSet<>();
        for (ChangeEvent e : writes.values()) {
            TableRef table = TableRef.parse(e.table());
            tables.add(table);
            (e.op() == ChangeEvent.Op.DELETE ? deletes : upserts).computeIfAbsent(table, k -> new ArrayList<>()).add(e);
        }
        ForeignKeyOrder order = applier.writeOrder(connection, tables);
        for (TableRef table : order.childrenFirst()) {
            write(table, deletes.getOrDefault(table, List.of()), order.keepsBatchOrder(table));
        }
        for (TableRef table : order.parentsFirst()) {
            write(table, upserts.getOrDefault(table, List.of()), order.keepsBatchOrder(table));
        }
    }

    /** Writes one table's rows: one JDBC batch per statement, or per run of one statement in batch order. */
    private void write(TableRef table, List<ChangeEvent> rows, boolean batchOrder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        RowStatements statements = applier.statementsFor(connection, table);
        List<Map.Entry<String, List<ChangeEvent>>> runs = new ArrayList<>();
        Map<String, List<ChangeEvent>> byStatement = new HashMap<>();
        for (ChangeEvent e : rows) {
            String sql = statements.sqlFor(e);
            if (batchOrder) {
                if (runs.isEmpty() || !runs.get(runs.size() - 1).getKey().equals(sql)) {
                    runs.add(Map.entry(sql, new ArrayList<>()));
                }
                runs.get(runs.size() - 1).getValue().add(e);
            } else {
                List<ChangeEvent> group = byStatement.get(sql);
                if (group == null) {
                    group = new ArrayList<>();
                    byStatement.put(sql, group);
                    runs.add(Map.entry(sql, group));
                }
                group.add(e);
            }
        }
        for (Map.Entry<String, List<ChangeEvent>> run : runs) {
            statements.write(connection, run.getKey(), run.getValue());
        }
    }

    private void writeMeta() throws SQLException {
        if (newMeta.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(applier.dialect().writeMetaSql())) {
            for (Map.Entry<RowId, RowVersion> entry : newMeta.entrySet()) {
                new MetaEntry(entry.getKey(), entry.getValue()).bind(ps);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
