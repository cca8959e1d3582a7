package io.syncline.core.site;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The columns a synced table has had at this site ({@code syncline.known_columns}): each time the
 * table's shape is read, its columns are recorded as present and recorded columns it no longer has
 * as dropped. A change of another site that carries a column this site dropped can then leave that
 * value out, while a column this site never had means its schema change has not arrived yet.
 *
 * <pre>{@code
 * TableShape shape = PostgresCatalog.describe(c, table).orElseThrow();
 * Set<String> droppedHere = KnownColumns.record(c, shape);
 * }</pre>
 */
public final class KnownColumns {

    private static final String PRESENT = """
            INSERT INTO syncline.known_columns (table_name, column_name, present)
            SELECT ?, c, true FROM unnest(?::text[]) AS c
            ON CONFLICT (table_name, column_name) DO UPDATE SET present = true, changed_at = clock_timestamp()
             WHERE NOT syncline.known_columns.present""";

    private static final String ABSENT = """
            UPDATE syncline.known_columns SET present = false, changed_at = clock_timestamp()
             WHERE table_name = ? AND present AND column_name <> ALL (?::text[])""";

    private static final String DROPPED =
            "SELECT column_name FROM syncline.known_columns WHERE table_name = ? AND NOT present ORDER BY column_name";

    private KnownColumns() {
    }

    /**
     * Records the shape's columns as present and the table's other known columns as dropped, in the
     * connection's current transaction.
     *
     * @return the columns the table had at this site and no longer has
     */
    public static Set<String> record(Connection connection, TableShape shape) throws SQLException {
        String table = shape.table().toString();
        Array columns = connection.createArrayOf("text", shape.columns().keySet().toArray(new String[0]));
        try (PreparedStatement ps = connection.prepareStatement(PRESENT)) {
            ps.setString(1, table);
            ps.setArray(2, columns);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement(ABSENT)) {
            ps.setString(1, table);
            ps.setArray(2, columns);
            ps.executeUpdate();
        }
        Set<String> dropped = new LinkedHashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(DROPPED)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dropped.add(rs.getString(1));
                }
            }
        }
        return dropped;
    }
}
