package io.syncline.core.site;

import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.apply.OffsetsTable;
import io.syncline.core.apply.RowMetaTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.StringJoiner;

/**
 * The publication a PostgreSQL site's capture reads: the synced tables, the conflict log, the
 * sink's applied offsets, and only those meta entries an application wrote here
 * ({@code WHERE (local_write)}).
 *
 * <p>A Syncline apply writes its meta entries with {@code local_write = false}, so the server
 * leaves them out of the stream: the capture never decodes the meta of an applied change, and the
 * applied row change arrives alone, which is how the capture knows it was not written here (a local
 * write's meta entry always comes first, from the {@code BEFORE} capture trigger). A row filter on
 * an updated table may only name columns of its replica identity, so the filter is set only when
 * {@code syncline.row_meta} has {@code REPLICA IDENTITY FULL} (the installer sets it, schema version
 * 6); otherwise every meta change is published and the capture drops the applied ones itself.
 *
 * <pre>{@code
 * boolean filtered = PostgresPublication.ensure(connection, "syncline_shop_west",
 *         List.of(TableRef.parse("public.orders")));
 * }</pre>
 */
public final class PostgresPublication {

    /** The meta entries the capture ships: an application's writes at this site. */
    public static final String META_FILTER = "local_write";

    private static final TableRef META = TableRef.parse(RowMetaTable.NAME);

    private PostgresPublication() {
    }

    /**
     * Creates the publication, or sets its tables when it exists (a publication created earlier
     * for the same site, by Syncline or by Debezium, is brought to this shape).
     *
     * @return whether applied meta entries are filtered out by the server
     */
    public static boolean ensure(Connection connection, String publication, List<TableRef> tables)
            throws SQLException {
        boolean filtered = PostgresCatalog.hasFullReplicaIdentity(connection, META);
        StringJoiner list = new StringJoiner(", ");
        for (TableRef table : tables) {
            list.add(table.quoted());
        }
        list.add(RowMetaTable.NAME + (filtered ? " WHERE (" + META_FILTER + ")" : ""));
        list.add(ConflictsTable.NAME);
        // The site's applied positions: the capture stamps each local transaction with them (its dependencies).
        list.add(OffsetsTable.NAME);
        String name = SqlIdentifiers.quote(publication);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            if (exists(connection, publication)) {
                st.execute("ALTER PUBLICATION " + name + " SET TABLE " + list);
            } else {
                st.execute("CREATE PUBLICATION " + name + " FOR TABLE " + list);
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return filtered;
    }

    private static boolean exists(Connection connection, String publication) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

}
