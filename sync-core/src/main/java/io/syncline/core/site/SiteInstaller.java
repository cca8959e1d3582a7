package io.syncline.core.site;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Installs Syncline's objects (metadata and capture triggers) at a site of one engine; each
 * {@code io.syncline.core.apply.Engine} makes its own.
 *
 * <pre>{@code
 * SiteInstaller installer = Engine.of("mariadb").installer(SiteId.of("b"), "orders");
 * installer.install(connection, List.of(TableRef.parse("public.orders")), Map.of());
 * }</pre>
 */
public interface SiteInstaller {

    /**
     * Checks every table, then installs; running it again changes nothing.
     *
     * @param trackingOptions per table, what the capture must keep besides the row version
     */
    PostgresSiteInstaller.Report install(Connection connection, List<TableRef> tables,
            Map<TableRef, Set<String>> trackingOptions) throws SQLException;

    /** Checks that a table can be synced; the message of the exception says how to fix it. */
    TableShape check(Connection connection, TableRef table) throws SQLException;
}
