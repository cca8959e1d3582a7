package io.syncline.core.site;

import io.syncline.core.SiteId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Installs Syncline's objects (metadata and capture triggers) at a site of one engine.
 *
 * <pre>{@code
 * SiteInstaller installer = SiteInstaller.forEngine("mariadb", SiteId.of("b"), "orders");
 * installer.install(connection, List.of(TableRef.parse("public.orders")), Map.of());
 * }</pre>
 */
public interface SiteInstaller {

    /** The installer of an engine ({@code postgres} or {@code mariadb}). */
    static SiteInstaller forEngine(String engine, SiteId site, String group) {
        return switch (engine) {
            case "postgres" -> new PostgresSiteInstaller(site, group);
            case "mariadb", "mysql" -> new MariaDbSiteInstaller(site, group);
            default -> throw new IllegalArgumentException("engine was '" + engine + "', must be postgres or mariadb");
        };
    }

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
