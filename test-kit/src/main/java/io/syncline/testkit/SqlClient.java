package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** psql: {@code psql:FILE:LINE: ERROR: ...}; mysql: {@code ERROR 1213 (40001) at line LINE: ...}. */
    private static final Pattern ERROR_LINE = Pattern.compile(
            "(?m)^psql:[^:]*:(\\d+): ERROR:.*$|^ERROR \\d+ \\([0-9A-Z]+\\) at line (\\d+).*$");

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

    /**
     * Runs {@code script} at the site as an application would that goes on after a failed statement:
     * the client runs every statement (each line its own autocommit statement unless the script says
     * otherwise) and reports each one that failed, by the number of the script line it started on.
     */
    public static Continued runContinuing(SiteServer site, String script, Duration timeout) {
        Path file = null;
        try {
            file = Files.createTempFile("syncline-client-", ".sql");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            String output = ProcessRunner.run(timeout, command(site, file, false), environment(site));
            List<Integer> failed = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            Matcher m = ERROR_LINE.matcher(output);
            while (m.find()) {
                failed.add(Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2)));
                errors.add(m.group());
            }
            return new Continued(output, List.copyOf(failed), List.copyOf(errors));
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

    /**
     * What {@link #runContinuing} saw.
     *
     * @param failedLines the script lines of the statements that failed, in the order they failed
     * @param errors the client's error lines, one per failed statement
     */
    public record Continued(String output, List<Integer> failedLines, List<String> errors) {
    }

    private static List<String> command(SiteServer site, Path file) {
        return command(site, file, true);
    }

    private static List<String> command(SiteServer site, Path file, boolean stopAtError) {
        if ("postgres".equals(site.engine())) {
            return List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=" + (stopAtError ? 1 : 0), "-h", site.host(), "-p",
                    Integer.toString(site.port()), "-U", site.user(), "-d", site.database(), "-f", file.toString());
        }
        List<String> command = new ArrayList<>(List.of("mysql", "--batch", "--protocol=TCP", "-h", site.host(), "-P",
                Integer.toString(site.port()), "-u", site.user(), site.database()));
        if (!stopAtError) {
            command.add("--force");
        }
        command.addAll(List.of("-e", "source " + file));
        return command;
    }

    private static Map<String, String> environment(SiteServer site) {
        return "postgres".equals(site.engine()) ? Map.of("PGPASSWORD", site.password())
                : Map.of("MYSQL_PWD", site.password());
    }
}
