package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The upsert and delete statements of one table in one engine's dialect and the binding of a
 * change's typed column values to them. Changes with the same statement text are batched.
 */
public interface RowStatements {

    /** The table these statements write. */
    TableShape shape();

    /** The statement that writes {@code change} (its delete, or its upsert of the columns it carries). */
    String sqlFor(ChangeEvent change);

    /** The statement that deletes a row by its key; its parameters are the key columns, in key order. */
    String deleteSql();

    /** Binds one column's value as parameter {@code index}, the engine's way. */
    void bindColumn(PreparedStatement ps, int index, String column, ColumnValue value) throws SQLException;

    /**
     * Binds {@code change} to the statement {@link #sqlFor} returned for it: a delete's key columns,
     * or every column an upsert carries, in order.
     */
    default void bind(PreparedStatement ps, ChangeEvent change) throws SQLException {
        int i = 1;
        if (change.op() == ChangeEvent.Op.DELETE) {
            for (String column : shape().keyColumns()) {
                ColumnValue value = change.columns().get(column);
                if (value == null) {
                    throw new SiteSetupException("delete of " + change.table() + " key " + change.key()
                            + " does not carry key column " + column);
                }
                bindColumn(ps, i++, column, value);
            }
            return;
        }
        for (var entry : change.columns().entrySet()) {
            bindColumn(ps, i++, entry.getKey(), entry.getValue());
        }
    }

    /**
     * Writes {@code changes}, which all take the statement {@code sql} that {@link #sqlFor} returned for
     * them, as one JDBC batch. An upsert only ever matches a row by its primary key: a collision on any
     * other unique key is refused by the database.
     */
    default void write(Connection connection, String sql, List<ChangeEvent> changes) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (ChangeEvent e : changes) {
                bind(ps, e);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
