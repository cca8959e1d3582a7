package io.syncline.connector.sink;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.apply.Dialect;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fits incoming changes to the columns the target table has now, for schema changes made at one
 * site before the others: a column this site dropped is left out of the change (the site no longer
 * keeps it); a column this site never had means the schema change has not reached it yet, and the
 * batch waits ({@link ColumnNotHereYetException}) rather than lose the value. The shapes are read
 * from the catalog once and again whenever a change names a column the cached shape lacks, or the
 * caller {@link #forget() forgets} them after the database refused a statement.
 */
final class TargetColumns {

    /** A change carries a column the target table does not have (yet). */
    static final class ColumnNotHereYetException extends Exception {
        ColumnNotHereYetException(String message) {
            super(message);
        }
    }

    /**
     * The changes fitted to the target's columns, in the order given.
     *
     * @param events the changes, each without the columns this site dropped
     * @param reloaded whether a table's shape was read again because a change named a column the
     *     cached shape lacked (statements built for the old shape are stale then)
     */
    record Fit(List<ChangeEvent> events, boolean reloaded) {
        Fit {
            events = List.copyOf(events);
        }
    }

    private record Columns(boolean exists, Set<String> present, Set<String> dropped) {
    }

    private final Map<String, Columns> tables = new HashMap<>();
    private final Dialect dialect;

    TargetColumns(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Forgets every cached shape; the next {@link #fit} reads the catalog again. */
    void forget() {
        tables.clear();
    }

    /**
     * The events with the columns this site dropped left out. Commits the connection's transaction
     * when it read the catalog.
     *
     * @throws ColumnNotHereYetException when a change carries a column the table never had here
     */
    Fit fit(Connection connection, List<ChangeEvent> events) throws SQLException, ColumnNotHereYetException {
        List<ChangeEvent> fitted = new ArrayList<>(events.size());
        Set<String> reloadedNow = new HashSet<>();
        for (ChangeEvent e : events) {
            Columns columns = columns(connection, e.table());
            // A missing table is the applier's to report (it names the fix).
            if (!columns.exists() || e.op() == ChangeEvent.Op.DELETE
                    || columns.present().containsAll(e.columns().keySet())) {
                fitted.add(e);
                continue;
            }
            if (reloadedNow.add(e.table())) {
                tables.remove(e.table());
                columns = columns(connection, e.table());
            }
            Map<String, ColumnValue> kept = new LinkedHashMap<>();
            for (Map.Entry<String, ColumnValue> column : e.columns().entrySet()) {
                if (columns.present().contains(column.getKey())) {
                    kept.put(column.getKey(), column.getValue());
                } else if (!columns.dropped().contains(column.getKey())) {
                    throw new ColumnNotHereYetException("table " + e.table() + " has no column " + column.getKey()
                            + " at this site yet, and a change from site " + e.origin() + " carries it; the change "
                            + "waits until the schema change (ALTER TABLE ... ADD COLUMN) reaches this site");
                }
            }
            fitted.add(kept.size() == e.columns().size() ? e : new ChangeEvent(e.table(), e.key(), e.op(),
                    e.keyColumns(), kept, e.vv(), e.dot(), e.hlc(), e.commitTimeMicros(), e.sourcePosition(),
                    e.columnStamps(), e.counters()));
        }
        return new Fit(fitted, !reloadedNow.isEmpty());
    }

    private Columns columns(Connection connection, String table) throws SQLException {
        Columns known = tables.get(table);
        if (known != null) {
            return known;
        }
        TableShape shape = dialect.describe(connection, TableRef.parse(table)).orElse(null);
        Set<String> present = shape == null ? Set.of() : Set.copyOf(shape.columns().keySet());
        Set<String> dropped = shape == null ? Set.of() : dialect.droppedColumns(connection, shape);
        connection.commit();
        known = new Columns(shape != null, present, dropped);
        tables.put(table, known);
        return known;
    }
}
