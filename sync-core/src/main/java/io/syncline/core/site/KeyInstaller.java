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
    List<KeySequence> install(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException;

    /** The generated keys of {@code tables} as they are now, changing nothing. */
    List<KeySequence> describe(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException;
}
