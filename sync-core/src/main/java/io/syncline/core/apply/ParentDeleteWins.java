package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.RowId;
import io.syncline.core.VersionVector;
import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.KeyText;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a change the database refused for a foreign key, by the rule every site applies the same
 * way: <b>the parent's deletion wins</b>, and the child follows its key's ON DELETE action as if the
 * deletion had come first. With transactions applied whole and in causal order, such a refusal comes
 * only from concurrent writes at two sites (one deletes order 5 while the other adds a line to it).
 *
 * <ul>
 *   <li>An upsert of a child whose parent this site holds as a tombstone: under {@code ON DELETE SET
 *       NULL} it is applied with the referencing columns NULL; under any other action it becomes the
 *       deletion of its key (a child already here is deleted; its meta entry becomes a tombstone with
 *       the incoming version, so a replay is skipped).</li>
 *   <li>A deletion of a parent that local children still reference ({@code RESTRICT}, {@code NO
 *       ACTION}): those children are deleted first, with their own such children, and those under
 *       {@code CASCADE} children, then the parent. The database cascades the rest.</li>
 * </ul>
 *
 * <p>Each settled row is logged as a {@link ConflictType#FOREIGN_KEY} conflict with the rule
 * {@value #RULE}. A refusal this class cannot explain (no missing parent, no referencing child, a
 * parent this site never held) is left to the caller: {@link #settle} returns empty.
 */
final class ParentDeleteWins {

    /** The rule's name in {@code syncline.conflicts.rule}. */
    static final String RULE = "parent-delete-wins";

    /** How deep child rows of child rows are followed: far deeper than any real schema nests. */
    private static final int MAX_DEPTH = 32;

    private static final Logger LOG = LoggerFactory.getLogger(ParentDeleteWins.class);

    /** What the rule did with one refused change. */
    record Settled(ApplyResult result, List<LoggedConflict> logged) {
    }

    private final SiteApplier applier;
    private final Connection connection;
    private final ConflictLog conflicts = new ConflictLog();
    private final Map<TableRef, List<ForeignKey>> keys = new HashMap<>();

    ParentDeleteWins(SiteApplier applier, Connection connection) {
        this.applier = applier;
        this.connection = connection;
    }

    /**
     * Applies {@code event}, refused for a foreign key, as the rule says, in the open transaction; empty
     * when the rule does not apply (nothing was written then).
     *
     * @throws SQLException when the database refuses what the rule writes too (the caller rolls back to
     *     its savepoint and hands the change on as refused)
     */
    Optional<Settled> settle(ChangeEvent event) throws SQLException {
        Optional<ChangeEvent> written = event.op() == ChangeEvent.Op.DELETE ? clearChildrenOf(event)
                : followDeletedParent(event);
        if (written.isEmpty()) {
            return Optional.empty();
        }
        ApplyBatch batch = new ApplyBatch(applier, connection);
        ApplyResult result = batch.apply(List.of(written.get()));
        conflicts.write(applier.dialect(), connection, applier.self(), applier.origin());
        List<LoggedConflict> logged = new ArrayList<>(conflicts.logged());
        logged.addAll(batch.logged());
        LOG.trace("{}[{}]: foreign key settled by {} ({} row(s) logged)", event.table(), event.key(), RULE,
                conflicts.size());
        return Optional.of(new Settled(result.plus(new ApplyResult(0, 0, conflicts.size())), logged));
    }

    /**
     * The change to write for an upsert whose parent is gone: the child with NULL references (every
     * missing parent's key is SET NULL and no key column is among them), else the deletion of its key.
     * Empty when no parent is missing, or one is missing that this site never held as a tombstone (that
     * is no concurrent deletion, and deleting the child would lose it for good).
     */
    private Optional<ChangeEvent> followDeletedParent(ChangeEvent event) throws SQLException {
        TableRef table = TableRef.parse(event.table());
        List<ForeignKey> missing = new ArrayList<>();
        RowState deletion = null;
        for (ForeignKey key : keysOf(table)) {
            if (!key.child().equals(table)) {
                continue;
            }
            List<ColumnValue> values = RowImages.valuesOf(event.columns(), key.childColumns());
            if (values == null || (key.selfReferencing() && values.equals(RowImages.valuesOf(event.columns(),
                    key.parentColumns())))) {
                continue;
            }
            TableShape parent = applier.statementsFor(connection, key.parent()).shape();
            if (!applier.dialect().readRowsWhere(connection, parent, key.parentColumns(), values).isEmpty()) {
                continue;
            }
            Optional<RowState> tombstone = parentTombstone(key, parent, values);
            if (tombstone.isEmpty()) {
                return Optional.empty();
            }
            deletion = deletion == null ? tombstone.get() : deletion;
            missing.add(key);
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        boolean setNull = true;
        Map<String, ColumnValue> columns = new LinkedHashMap<>(event.columns());
        for (ForeignKey key : missing) {
            setNull &= key.onDelete() == ForeignKey.OnDelete.SET_NULL
                    && key.childColumns().stream().noneMatch(event.keyColumns()::contains);
            key.childColumns().forEach(column -> columns.put(column, ColumnValue.NULL));
        }
        ChangeEvent written = setNull ? RowImages.withColumns(event, ChangeEvent.Op.UPSERT, columns) : RowImages.deletionOf(event);
        RowState result = ApplyBatch.stateOf(written);
        conflicts.add(new ConflictLog.Entry(event.rowId(), ConflictType.FOREIGN_KEY, deletion,
                ApplyBatch.stateOf(event), new Resolution(result, setNull ? Resolution.Winner.MERGED
                        : Resolution.Winner.LOCAL, RULE)));
        return Optional.of(written);
    }

    /**
     * The parent's deletion as this site holds it: its meta entry, when the key references the parent's
     * whole primary key, the key's text can be told from its values, and the entry is a tombstone.
     */
    private Optional<RowState> parentTombstone(ForeignKey key, TableShape parent, List<ColumnValue> values)
            throws SQLException {
        if (parent.keyColumns().size() != key.parentColumns().size()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (String column : parent.keyColumns()) {
            int at = key.parentColumns().indexOf(column);
            Optional<String> part = at < 0 ? Optional.empty() : keyPart(values.get(at));
            if (part.isEmpty()) {
                return Optional.empty();
            }
            parts.add(part.get());
        }
        RowId id = new RowId(parent.table().toString(), KeyText.of(parts));
        RowVersion[] held = {RowVersion.NONE};
        applier.dialect().lockMeta(connection, List.of(id), entry -> held[0] = entry.version());
        RowVersion v = held[0];
        if (!v.exists() || !v.deleted()) {
            return Optional.empty();
        }
        return Optional.of(new RowState(true, Map.of(), v.vv(), v.hlc(), v.origin(), v.sequence(), Map.of(),
                Map.of()));
    }

    /**
     * The table's foreign keys read from the catalog now, not from the applier's cache: a child table
     * created since the cache was filled must not be missed, and this path is rare.
     */
    private List<ForeignKey> keysOf(TableRef table) throws SQLException {
        List<ForeignKey> found = keys.get(table);
        if (found == null) {
            found = applier.dialect().foreignKeys(connection, table);
            keys.put(table, found);
        }
        return found;
    }

    /** A key value's canonical text where it is the same at every engine; empty for other types. */
    private static Optional<String> keyPart(ColumnValue value) {
        if (value instanceof ColumnValue.IntegerValue v) {
            return Optional.of(Long.toString(v.value()));
        }
        if (value instanceof ColumnValue.TextValue v) {
            return Optional.of(v.value());
        }
        if (value instanceof ColumnValue.DecimalValue v) {
            return Optional.of(v.value().toPlainString());
        }
        if (value instanceof ColumnValue.UuidValue v) {
            return Optional.of(v.value().toString());
        }
        return Optional.empty();
    }

    /**
     * Deletes the local children that keep the parent of {@code event} from being deleted; returns the
     * parent's deletion to apply then, or empty when there was no such child.
     */
    private Optional<ChangeEvent> clearChildrenOf(ChangeEvent event) throws SQLException {
        TableRef table = TableRef.parse(event.table());
        TableShape shape = applier.statementsFor(connection, table).shape();
        List<ColumnValue> key = RowImages.valuesOf(event.columns(), shape.keyColumns());
        if (key == null) {
            return Optional.empty();
        }
        Optional<Map<String, ColumnValue>> parent = applier.dialect().readRow(connection, shape, key);
        if (parent.isEmpty()) {
            return Optional.empty();
        }
        Set<RowId> seen = new HashSet<>();
        seen.add(event.rowId());
        int removed = clear(table, parent.get(), ApplyBatch.stateOf(event), 0, seen);
        return removed == 0 ? Optional.empty() : Optional.of(event);
    }

    /**
     * Deletes, below one row about to be deleted, every child row that would refuse it: the children of
     * RESTRICT and NO ACTION keys (after their own), and such grandchildren under CASCADE keys, which the
     * database deletes itself only if nothing below refuses. SET NULL and SET DEFAULT children stay.
     * Returns how many rows it deleted.
     */
    private int clear(TableRef table, Map<String, ColumnValue> row, RowState deletion, int depth, Set<RowId> seen)
            throws SQLException {
        if (depth >= MAX_DEPTH) {
            return 0;
        }
        int removed = 0;
        for (ForeignKey key : keysOf(table)) {
            boolean refuses = key.onDelete().refusesParentDelete();
            boolean cascades = key.onDelete() == ForeignKey.OnDelete.CASCADE;
            if (!key.parent().equals(table) || !(refuses || cascades)
                    || (cascades && !refusesDeletes(key.child(), new HashSet<>()))) {
                continue;
            }
            List<ColumnValue> values = RowImages.valuesOf(row, key.parentColumns());
            if (values == null) {
                continue;
            }
            RowStatements children = applier.statementsFor(connection, key.child());
            for (KeyedRow child : applier.dialect().readRowsWhere(connection, children.shape(), key.childColumns(),
                    values)) {
                RowId id = new RowId(key.child().toString(), child.key());
                if (!seen.add(id)) {
                    continue;
                }
                removed += clear(key.child(), child.columns(), deletion, depth + 1, seen);
                if (refuses) {
                    delete(children, id, child, deletion);
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Whether deleting a row of {@code table} can be refused: a RESTRICT or NO ACTION key references it,
     * or a CASCADE key of a table where that holds. Keeps the rule from reading cascaded children that
     * the database deletes without any refusal.
     */
    private boolean refusesDeletes(TableRef table, Set<TableRef> seen) throws SQLException {
        if (!seen.add(table)) {
            return false;
        }
        for (ForeignKey key : keysOf(table)) {
            if (!key.parent().equals(table)) {
                continue;
            }
            if (key.onDelete().refusesParentDelete()
                    || (key.onDelete() == ForeignKey.OnDelete.CASCADE && refusesDeletes(key.child(), seen))) {
                return true;
            }
        }
        return false;
    }

    /** Deletes one child row, makes its meta entry a tombstone of the version it had, and logs it. */
    private void delete(RowStatements rows, RowId id, KeyedRow child, RowState deletion) throws SQLException {
        RowVersion[] held = {RowVersion.NONE};
        applier.dialect().lockMeta(connection, List.of(id), entry -> held[0] = entry.version());
        try (PreparedStatement ps = connection.prepareStatement(rows.deleteSql())) {
            int i = 1;
            for (String column : rows.shape().keyColumns()) {
                rows.bindColumn(ps, i++, column, child.columns().get(column));
            }
            ps.executeUpdate();
        }
        RowVersion v = held[0];
        if (v.exists()) {
            RowVersion tombstone = new RowVersion(v.vv(), v.hlc(), v.origin(), v.sequence(), true, v.columnStamps(),
                    v.counters());
            try (PreparedStatement ps = connection.prepareStatement(applier.dialect().writeMetaSql())) {
                new MetaEntry(id, tombstone).bind(ps);
                ps.executeUpdate();
            }
        }
        RowState local = v.exists()
                ? new RowState(false, child.columns(), v.vv(), v.hlc(), v.origin(), v.sequence(), v.columnStamps(),
                        v.counters())
                : new RowState(false, child.columns(), VersionVector.empty(), 0, applier.self(), 0, Map.of(), Map.of());
        RowState result = new RowState(true, Map.of(), local.vv(), local.hlc(), local.origin(), local.sequence(),
                Map.of(), Map.of());
        conflicts.add(new ConflictLog.Entry(id, ConflictType.FOREIGN_KEY, local, deletion,
                new Resolution(result, Resolution.Winner.INCOMING, RULE)));
    }
}
