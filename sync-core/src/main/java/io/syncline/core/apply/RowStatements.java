package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import io.syncline.core.site.TableShape;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The upsert and delete statements of one table in one engine's dialect and the binding of a
 * change's typed column values to them. Changes with the same statement text are batched.
 */
public interface RowStatements {

    /** The table these statements write. */
    TableShape shape();

    /** The statement that writes {@code change} (its delete, or its upsert of the columns it carries). */
    String sqlFor(ChangeEvent change);

    /** Binds {@code change} to the statement {@link #sqlFor} returned for it. */
    void bind(PreparedStatement ps, ChangeEvent change) throws SQLException;
}
