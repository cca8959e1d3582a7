package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.RowId;
import io.syncline.core.VersionVector;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.UniqueKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a change the database refused for a duplicate value of a unique key other than the primary
 * key: the incoming row collides with local rows of other primary keys. With transactions applied whole
 * and in causal order, that comes only from two sites writing different rows with the same value (two
 * users registered with one email). {@link LowestKeyWins} decides; this class finds the colliding rows
 * (by each unique key's values, rows of the incoming row's own key left out), writes the decision in the
 * open transaction and logs one {@link ConflictType#UNIQUE_KEY} conflict per pair of rows, with both.
 *
 * <ul>
 *   <li>A local row that loses keeps its meta entry (its version) when its columns are set to NULL; when
 *       it is deleted, its entry becomes a tombstone of the version it had. Every site does the same, so
 *       the capture ships neither.</li>
 *   <li>The incoming row is written with its version, with the columns it lost set to NULL, or as the
 *       deletion of its key (a tombstone of its version), so a replay is skipped.</li>
 * </ul>
 *
 * <p>A refusal this class cannot explain (no other row holds the value: a primary-key collision, an index
 * on expressions) is left to the caller: {@link #settle} returns empty.
 */
final class UniqueKeyConflicts {

    private static final Logger LOG = LoggerFactory.getLogger(UniqueKeyConflicts.class);

    private final SiteApplier applier;
    private final Connection connection;
    private final ConflictLog conflicts = new ConflictLog();

    UniqueKeyConflicts(SiteApplier applier, Connection connection) {
        this.applier = applier;
        this.connection = connection;
    }

    /**
     * Applies {@code event}, refused for a unique key, as the rule says, in the open transaction; empty
     * when no other row holds one of its unique values (nothing was written then).
     *
     * @throws SQLException when the database refuses what the rule writes too (the caller rolls back to
     *     its savepoint and hands the change on as refused)
     */
    Optional<ParentDeleteWins.Settled> settle(ChangeEvent event) throws SQLException {
        if (event.op() == ChangeEvent.Op.DELETE) {
            return Optional.empty();
        }
        TableRef table = TableRef.parse(event.table());
        RowStatements rows = applier.statementsFor(connection, table);
        Map<String, KeyedRow> others = new LinkedHashMap<>();
        List<LowestKeyWins.Collision> collisions = new ArrayList<>();
        // The catalog read now, not cached: a unique index created since the statements were built counts.
        for (UniqueKey key : applier.dialect().uniqueKeys(connection, table)) {
            List<ColumnValue> values = RowImages.valuesOf(event.columns(), key.columns());
            if (values == null) {
                continue;
            }
            for (KeyedRow row : applier.dialect().readRowsWhere(connection, rows.shape(), key.columns(), values)) {
                if (!row.key().equals(event.key())) {
                    others.putIfAbsent(row.key(), row);
                    collisions.add(new LowestKeyWins.Collision(key, row.key()));
                }
            }
        }
        if (collisions.isEmpty()) {
            return Optional.empty();
        }
        LowestKeyWins.Decision decision = LowestKeyWins.decide(event.key(), collisions);
        RowState incoming = ApplyBatch.stateOf(event);
        for (String key : decision.localDeleted()) {
            KeyedRow row = others.get(key);
            RowState local = localState(table, row);
            delete(rows, row);
            conflicts.add(new ConflictLog.Entry(new RowId(event.table(), key), ConflictType.UNIQUE_KEY, local,
                    incoming, new Resolution(RowState.deletion(local.vv(), local.hlc(), local.origin(),
                            local.sequence()), Resolution.Winner.INCOMING, LowestKeyWins.RULE)));
        }
        for (Map.Entry<String, Set<String>> nulled : decision.localNulled().entrySet()) {
            KeyedRow row = others.get(nulled.getKey());
            RowState local = localState(table, row);
            setNull(rows, row, nulled.getValue());
            Map<String, ColumnValue> columns = new LinkedHashMap<>(row.columns());
            nulled.getValue().forEach(column -> columns.put(column, ColumnValue.NULL));
            conflicts.add(new ConflictLog.Entry(new RowId(event.table(), nulled.getKey()), ConflictType.UNIQUE_KEY,
                    local, incoming, new Resolution(new RowState(false, columns, local.vv(), local.hlc(),
                            local.origin(), local.sequence(), local.columnStamps(), local.counters()),
                            Resolution.Winner.INCOMING, LowestKeyWins.RULE)));
        }
        ChangeEvent written = decision.deleteIncoming() ? RowImages.deletionOf(event)
                : withNulls(event, decision.incomingNulled());
        for (String key : decision.winners()) {
            conflicts.add(new ConflictLog.Entry(event.rowId(), ConflictType.UNIQUE_KEY,
                    localState(table, others.get(key)), incoming, new Resolution(ApplyBatch.stateOf(written),
                            Resolution.Winner.LOCAL, LowestKeyWins.RULE)));
        }
        ApplyBatch batch = new ApplyBatch(applier, connection);
        ApplyResult result = batch.apply(List.of(written));
        conflicts.write(applier.dialect(), connection, applier.self(), applier.origin());
        List<LoggedConflict> logged = new ArrayList<>(conflicts.logged());
        logged.addAll(batch.logged());
        LOG.trace("{}[{}]: unique key settled by {} ({} row(s) logged)", event.table(), event.key(),
                LowestKeyWins.RULE, conflicts.size());
        return Optional.of(new ParentDeleteWins.Settled(result.plus(new ApplyResult(0, 0, conflicts.size())),
                logged));
    }

    /** A local row with its meta entry's version, locked; a row without an entry has an empty version. */
    private RowState localState(TableRef table, KeyedRow row) throws SQLException {
        RowVersion[] held = {RowVersion.NONE};
        applier.dialect().lockMeta(connection, List.of(new RowId(table.toString(), row.key())),
                entry -> held[0] = entry.version());
        RowVersion v = held[0];
        return v.exists()
                ? new RowState(false, row.columns(), v.vv(), v.hlc(), v.origin(), v.sequence(), v.columnStamps(),
                        v.counters())
                : new RowState(false, row.columns(), VersionVector.empty(), 0, applier.self(), 0, Map.of(), Map.of());
    }

    /** Deletes a local row by its key and makes its meta entry a tombstone of the version it had. */
    private void delete(RowStatements rows, KeyedRow row) throws SQLException {
        RowId id = new RowId(rows.shape().table().toString(), row.key());
        RowVersion[] held = {RowVersion.NONE};
        applier.dialect().lockMeta(connection, List.of(id), entry -> held[0] = entry.version());
        try (PreparedStatement ps = connection.prepareStatement(rows.deleteSql())) {
            bindKey(rows, ps, 1, row);
            ps.executeUpdate();
        }
        RowVersion v = held[0];
        if (v.exists()) {
            try (PreparedStatement ps = connection.prepareStatement(applier.dialect().writeMetaSql())) {
                new MetaEntry(id, new RowVersion(v.vv(), v.hlc(), v.origin(), v.sequence(), true, v.columnStamps(),
                        v.counters())).bind(ps);
                ps.executeUpdate();
            }
        }
    }

    /** Sets a local row's columns to NULL by its key (the key predicate of the table's delete statement). */
    private void setNull(RowStatements rows, KeyedRow row, Set<String> columns) throws SQLException {
        Dialect dialect = applier.dialect();
        String prefix = "DELETE FROM " + dialect.quote(rows.shape().table());
        if (!rows.deleteSql().startsWith(prefix)) {
            throw new IllegalStateException("the delete statement of " + rows.shape().table()
                    + " does not start with " + prefix);
        }
        List<String> sets = new ArrayList<>();
        for (String column : columns) {
            sets.add(dialect.quote(column) + " = NULL");
        }
        String sql = "UPDATE " + dialect.quote(rows.shape().table()) + " SET " + String.join(", ", sets)
                + rows.deleteSql().substring(prefix.length());
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bindKey(rows, ps, 1, row);
            ps.executeUpdate();
        }
    }

    private static void bindKey(RowStatements rows, PreparedStatement ps, int from, KeyedRow row)
            throws SQLException {
        int i = from;
        for (String column : rows.shape().keyColumns()) {
            rows.bindColumn(ps, i++, column, row.columns().get(column));
        }
    }

    private static ChangeEvent withNulls(ChangeEvent event, Set<String> nulled) {
        if (nulled.isEmpty()) {
            return event;
        }
        Map<String, ColumnValue> columns = new LinkedHashMap<>(event.columns());
        nulled.forEach(column -> columns.put(column, ColumnValue.NULL));
        return RowImages.withColumns(event, ChangeEvent.Op.UPSERT, columns);
    }
}
