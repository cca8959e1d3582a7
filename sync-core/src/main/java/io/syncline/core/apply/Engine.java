package io.syncline.core.apply;

import io.syncline.core.SiteId;
import io.syncline.core.site.KeyInstaller;
import io.syncline.core.site.MariaDbKeyInstaller;
import io.syncline.core.site.MariaDbSiteInstaller;
import io.syncline.core.site.PostgresKeyInstaller;
import io.syncline.core.site.PostgresSiteInstaller;
import io.syncline.core.site.SiteInstaller;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The database engines a site can run, each with everything Syncline knows of it: its name in
 * configuration ({@code database.engine}, {@code --sites a:postgres}), the JDBC URLs that point at
 * it, its {@link Dialect} and its {@link SiteInstaller}. Nothing else in Syncline tells engines
 * apart by name or URL.
 *
 * <pre>{@code
 * Engine engine = Engine.of("mariadb");
 * engine.installer(SiteId.of("b"), "orders").install(connection, tables, Map.of());
 * var applier = new SiteApplier(engine.dialect(), SiteId.of("b"), registry, false);
 * }</pre>
 */
public enum Engine {

    POSTGRES(Dialect.postgres(), List.of("jdbc:postgresql:"), PostgresSiteInstaller::new),
    /** MariaDB, also for MySQL-compatible servers (a {@code jdbc:mysql:} URL is one of its URLs). */
    MARIADB(Dialect.mariaDb(), List.of("jdbc:mariadb:", "jdbc:mysql:"), MariaDbSiteInstaller::new);

    private final Dialect dialect;
    private final List<String> urlPrefixes;
    private final BiFunction<SiteId, String, SiteInstaller> installers;

    Engine(Dialect dialect, List<String> urlPrefixes, BiFunction<SiteId, String, SiteInstaller> installers) {
        this.dialect = dialect;
        this.urlPrefixes = urlPrefixes;
        this.installers = installers;
    }

    /**
     * The engine of a configuration name, exactly {@code postgres} or {@code mariadb}.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Engine of(String name) {
        for (Engine engine : values()) {
            if (engine.configName().equals(name)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("engine was '" + name + "', must be postgres or mariadb");
    }

    /**
     * The engine a JDBC URL points at, for tools that are handed connections rather than configurations.
     *
     * @throws IllegalArgumentException when the URL names no engine Syncline supports (the message
     *     shows the URL without its parameters, which may hold a password)
     */
    public static Engine forJdbcUrl(String jdbcUrl) {
        for (Engine engine : values()) {
            if (engine.ownsJdbcUrl(jdbcUrl)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("JDBC URL '" + (jdbcUrl == null ? "" : jdbcUrl.replaceAll("\\?.*", ""))
                + "' names no engine Syncline supports; use jdbc:postgresql://... or jdbc:mariadb://...");
    }

    /** The name used in configuration and in {@code --sites}: {@code postgres}, {@code mariadb}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a JDBC URL points at a server of this engine. */
    public boolean ownsJdbcUrl(String jdbcUrl) {
        return jdbcUrl != null && urlPrefixes.stream().anyMatch(jdbcUrl::startsWith);
    }

    /** The JDBC URL of a database of this engine, e.g. {@code jdbc:postgresql://db-east:5432/shop}. */
    public String jdbcUrl(String host, int port, String database) {
        return jdbcUrl(host, Integer.toString(port), database);
    }

    /** Like {@link #jdbcUrl(String, int, String)}, with the port as it was written (in a mesh description). */
    public String jdbcUrl(String host, String port, String database) {
        return urlPrefixes.get(0) + "//" + host + ":" + port + "/" + database;
    }

    /** The SQL and error classification of this engine. */
    public Dialect dialect() {
        return dialect;
    }

    /** The installer of Syncline's objects at a site of this engine. */
    public SiteInstaller installer(SiteId site, String group) {
        return installers.apply(site, group);
    }

    /** The installer that makes this engine's generated keys (sequences, AUTO_INCREMENT) unique across the mesh. */
    public KeyInstaller keyInstaller() {
        return this == MARIADB ? new MariaDbKeyInstaller() : new PostgresKeyInstaller();
    }
}
