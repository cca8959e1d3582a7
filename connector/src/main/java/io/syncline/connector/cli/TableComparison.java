package io.syncline.connector.cli;

import io.syncline.core.site.PostgresCatalog;
import io.syncline.core.site.SqlIdentifiers;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares one table at two sites row by row, by primary key: every row's full text image.
 *
 * <pre>{@code
 * TableComparison.Result r = TableComparison.compare(a, b, TableRef.parse("public.items"));
 * if (!r.equal()) System.out.println(r.differences());
 * }</pre>
 */
public final class TableComparison {

    /** The outcome: rows at each site and the keys that differ (missing at one side or unequal). */
    public record Result(TableRef table, int rowsLeft, int rowsRight, List<String> differences) {
        public Result {
            differences = List.copyOf(differences);
        }

        public boolean equal() {
            return differences.isEmpty();
        }
    }

    private TableComparison() {
    }

    public static Result compare(Connection left, Connection right, TableRef table) throws SQLException {
        Map<String, String> l = rows(left, table);
        Map<String, String> r = rows(right, table);
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> entry : l.entrySet()) {
            String other = r.get(entry.getKey());
            if (other == null) {
                differences.add("key " + entry.getKey() + ": only at the first site");
            } else if (!other.equals(entry.getValue())) {
                differences.add("key " + entry.getKey() + ": differs (" + entry.getValue() + " vs " + other + ")");
            }
        }
        for (String key : r.keySet()) {
            if (!l.containsKey(key)) {
                differences.add("key " + key + ": only at the second site");
            }
        }
        return new Result(table, l.size(), r.size(), differences);
    }

    static Map<String, String> rows(Connection c, TableRef table) throws SQLException {
        TableShape shape = PostgresCatalog.describe(c, table)
                .orElseThrow(() -> new SQLException("table " + table + " does not exist"));
        StringBuilder key = new StringBuilder();
        for (String column : shape.keyColumns()) {
            if (key.length() > 0) {
                key.append(" || ',' || ");
            }
            key.append("t.").append(SqlIdentifiers.quote(column)).append("::text");
        }
        if (key.length() == 0) {
            throw new SQLException("table " + table + " has no primary key to compare by");
        }
        Map<String, String> rows = new TreeMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + key + ", row_to_json(t)::text FROM " + table.quoted()
                        + " AS t")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        }
        return rows;
    }
}
