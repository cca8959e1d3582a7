package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a SQL script at a site through the database's own command-line client, as a user's
 * application or operator would: {@code psql} for PostgreSQL, {@code mysql} (MariaDB's client) for
 * MariaDB. The password goes through the client's environment variable, never the command line.
 * The script stops at its first error, and the error fails the run.
 *
 * <pre>{@code
 * SqlClient.run(stack.site("a"), "BEGIN; UPDATE accounts SET n = n - 5 WHERE id = 1; COMMIT;", Duration.ofMinutes(1));
 * }</pre>
 */
public final class SqlClient {

    private SqlClient() {
    }

    /** Runs {@code script} at the site and returns the client's output. */
    public static String run(SiteServer site, String script, Duration timeout) {
        Path file = null;
        try {
            file = Files.createTempFile("syncline-client-", ".sql");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            return ProcessRunner.run(timeout, command(site, file), environment(site));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the script for " + site.engine() + " client", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // A temporary file left behind is harmless.
                }
            }
        }
    }

    private static List<String> command(SiteServer site, Path file) {
        if ("postgres".equals(site.engine())) {
            return List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", site.host(), "-p",
                    Integer.toString(site.port()), "-U", site.user(), "-d", site.database(), "-f", file.toString());
        }
        return List.of("mysql", "--batch", "--protocol=TCP", "-h", site.host(), "-P", Integer.toString(site.port()),
                "-u", site.user(), site.database(), "-e", "source " + file);
    }

    private static Map<String, String> environment(SiteServer site) {
        return "postgres".equals(site.engine()) ? Map.of("PGPASSWORD", site.password())
                : Map.of("MYSQL_PWD", site.password());
    }
}
