package io.syncline.core.site;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Makes the generated keys of a site's synced tables unique across the mesh, without changing the
 * application's INSERTs; each {@code io.syncline.core.apply.Engine} has its own. Running it again
 * leaves what an earlier run converted as it is. Existing rows keep their keys.
 *
 * <pre>{@code
 * List<KeySequence> keys = Engine.POSTGRES.keyInstaller()
 *         .install(connection, List.of(TableRef.parse("public.tickets")), KeyPlan.interleaved(16, 3));
 * }</pre>
 */
public interface KeyInstaller {

    /**
     * Converts every generated key of {@code tables} that is not yet in the plan's slot.
     *
     * @throws SiteSetupException when the plan cannot be carried out (no slot configured, the
     *     server refuses a setting); the message says how to fix it
     */
    default List<KeySequence> install(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException {
        return install(connection, tables, plan, KeyBlockSource.NONE);
    }

    /**
     * Like {@link #install(Connection, List, KeyPlan)}, taking blocks of values from {@code blocks}
     * for {@link KeyKind#COORDINATOR_BLOCKS}.
     *
     * @throws KeyBlockUnavailableException when a block is needed and the coordinator cannot be reached
     */
    List<KeySequence> install(Connection connection, List<TableRef> tables, KeyPlan plan, KeyBlockSource blocks)
            throws SQLException;

    /**
     * For {@link KeyKind#COORDINATOR_BLOCKS}: moves every sequence with fewer than the plan's
     * low-water mark of values left in its block to a new block; returns those it moved. A sequence
     * whose new block cannot be allocated now is logged (with the values it has left) and skipped,
     * to be tried again at the next call. Nothing to do for the other kinds.
     */
    default List<KeySequence> topUp(Connection connection, List<TableRef> tables, KeyPlan plan, KeyBlockSource blocks)
            throws SQLException {
        return List.of();
    }

    /** The generated keys of {@code tables} as they are now, changing nothing. */
    List<KeySequence> describe(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException;
}
