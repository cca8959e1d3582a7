package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The first locks of an apply transaction: the data rows of a batch's changes, before their meta
 * entries, as a local write takes them (its row, then its capture trigger's meta entry); tables in
 * name order, rows in key order, so two applies at one site take them in one order too. A row the
 * site does not have yet locks nothing here. See docs/design.md, "Locks: the apply yields".
 */
final class RowLocks {

    private RowLocks() {
    }

    static void lock(SiteApplier applier, Connection connection, List<ChangeEvent> events) throws SQLException {
        Map<String, Map<String, List<ColumnValue>>> byTable = new TreeMap<>();
        for (ChangeEvent e : events) {
            Map<String, List<ColumnValue>> keys = byTable.computeIfAbsent(e.table(), t -> new TreeMap<>());
            if (!keys.containsKey(e.key())) {
                List<ColumnValue> key = new ArrayList<>(e.keyColumns().size());
                for (String column : e.keyColumns()) {
                    ColumnValue value = e.columns().get(column);
                    if (value != null) {
                        key.add(value);
                    }
                }
                // A change without its key values (none is expected) is left to its meta entry's lock.
                if (key.size() == e.keyColumns().size()) {
                    keys.put(e.key(), key);
                }
            }
        }
        for (Map.Entry<String, Map<String, List<ColumnValue>>> table : byTable.entrySet()) {
            if (table.getValue().isEmpty()) {
                continue;
            }
            RowStatements rows = applier.statementsFor(connection, TableRef.parse(table.getKey()));
            applier.dialect().lockRows(connection, rows.shape(), new ArrayList<>(table.getValue().values()));
        }
    }
}
