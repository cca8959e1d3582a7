package io.syncline.tools.cli;

import io.syncline.core.site.TableRef;
import java.io.InputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code syncline verify}: compares the synced tables at every site of a mesh by chunked checksums
 * ({@link MeshVerification}) and names the keys that differ. The last line starts with {@code equal}
 * or {@code DIFFERENT}.
 */
final class VerifyCommand {

    static final String HELP = """
            Usage: syncline verify [--mesh FILE|-] [--tables schema.t1,schema.t2] [--chunk-size N]

            Connects to every site the mesh names and checks that each table holds the same rows everywhere.
            The key space is cut into ranges of N rows of the first site (primary-key order); every site
            reports a row count and a digest per range, and only ranges that differ are read row by row to
            name the differing keys (up to 100 per table, the rest counted). Each site is read in one
            read-only snapshot per table. Prints per site: table, rows, chunks, digest; then the verdict.

              --mesh FILE|-     the JSON line 'syncline up' prints, or a file of the same shape:
                                {"sites":{"a":{"jdbcUrl":"jdbc:postgresql://host:port/db","user":"...",
                                "password":"..."},"b":{...}},"tables":["public.items"]}
                                (or "host", "port", "database" instead of "jdbcUrl"); - or no option: stdin
              --tables LIST     schema.table names to verify, comma-separated (default: the JSON's "tables")
              --chunk-size N    rows of the first site per checksum range (default 10000)

            Example: bin/syncline up --schema shop.sql > mesh.json &   ...   bin/syncline verify --mesh mesh.json

            Exit codes: 0 equal, 1 different, 2 wrong command line, 3 failed (a site is unreachable, a query failed)
            """;

    private static final int DIGEST_SHOWN = 12;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    VerifyCommand(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("mesh", "tables", "chunk-size"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        int chunkSize = line.intValue("chunk-size", MeshVerification.DEFAULT_CHUNK_SIZE, 1, 100_000_000);
        MeshDescription mesh = readMesh(line.get("mesh", "-"), in);
        List<TableRef> tables = line.has("tables") ? tables(line.get("tables", "")) : mesh.tables();
        if (tables.isEmpty()) {
            throw new CommandLine.UsageException("no table to verify: the mesh JSON lists none and --tables is not given");
        }

        long started = System.nanoTime();
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (MeshDescription.SiteAddress site : mesh.sites().values()) {
                try {
                    connections.put(site.id(), site.connect());
                } catch (SQLException e) {
                    err.println("syncline verify: site " + site.id() + " is unreachable at " + site.displayUrl() + ": "
                            + SynclineCli.describe(e));
                    return ExitCode.FAILED;
                }
            }
            List<TableVerdict> verdicts = verifyAll(connections, tables, chunkSize);
            report(mesh, verdicts, (System.nanoTime() - started) / 1e9);
            return verdicts.stream().allMatch(TableVerdict::equal) ? ExitCode.OK : ExitCode.DIVERGED;
        } catch (SQLException e) {
            err.println("syncline verify failed: " + SynclineCli.describe(e));
            return ExitCode.FAILED;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        } finally {
            for (Connection c : connections.values()) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // Closing a connection the verdict no longer needs; nothing to do about a failure.
                }
            }
        }
    }

    private List<TableVerdict> verifyAll(Map<String, Connection> connections, List<TableRef> tables, int chunkSize)
            throws SQLException {
        MeshVerification verification = new MeshVerification(chunkSize, MeshVerification.DEFAULT_LISTED_KEYS,
                new QuietStart());
        List<TableVerdict> verdicts = new ArrayList<>();
        for (TableRef table : tables) {
            verdicts.add(verification.verify(connections, table));
        }
        return verdicts;
    }

    /** A progress bar on stderr for a table that takes longer than a moment; nothing for quick ones. */
    private final class QuietStart implements MeshVerification.Progress {
        private static final long QUIET_NANOS = 1_000_000_000L;
        private TableRef table;
        private long startedNanos;
        private ProgressBar bar;

        @Override
        public void update(TableRef current, long done, long total) {
            long now = System.nanoTime();
            if (!current.equals(table)) {
                table = current;
                startedNanos = now;
                bar = null;
            }
            if (bar == null && (now - startedNanos < QUIET_NANOS || done >= total)) {
                return;
            }
            if (bar == null) {
                bar = new ProgressBar(err, "verify " + current + ", range digests", total);
            }
            bar.update(done);
        }
    }

    private void report(MeshDescription mesh, List<TableVerdict> verdicts, double seconds) {
        int width = Math.max("table".length(),
                verdicts.stream().mapToInt(v -> v.table().toString().length()).max().orElse(0));
        String format = "  %-" + width + "s  %12s  %7s  %s%n";
        for (MeshDescription.SiteAddress site : mesh.sites().values()) {
            out.println("site " + site.id() + "  " + site.displayUrl());
            out.printf(format, "table", "rows", "chunks", "digest");
            for (TableVerdict verdict : verdicts) {
                TableVerdict.SiteTally tally = verdict.sites().get(site.id());
                if (tally == null) {
                    out.printf(format, verdict.table(), "-", "-", "not compared (see below)");
                } else {
                    out.printf(format, verdict.table(), tally.rows(), tally.chunks(),
                            tally.digest().substring(0, DIGEST_SHOWN));
                }
            }
        }
        String siteList = String.join(", ", mesh.sites().keySet());
        List<TableVerdict> different = verdicts.stream().filter(v -> !v.equal()).toList();
        if (different.isEmpty()) {
            long rows = verdicts.stream().mapToLong(v -> v.rows(mesh.sites().keySet().iterator().next())).sum();
            out.printf("equal: %d table%s identical at sites %s (%d rows per site, %.1f s)%n", verdicts.size(),
                    verdicts.size() == 1 ? "" : "s", siteList, rows, seconds);
            return;
        }
        List<String> summary = different.stream().map(v -> v.table() + " (" + describeCount(v) + ")").toList();
        out.printf("DIFFERENT: %d of %d table%s differ between sites %s: %s%n", different.size(), verdicts.size(),
                verdicts.size() == 1 ? "" : "s", siteList, String.join(", ", summary));
        for (TableVerdict verdict : different) {
            out.println("  " + verdict.table() + ":");
            for (String difference : verdict.differences()) {
                out.println("    " + difference);
            }
        }
    }

    private static String describeCount(TableVerdict verdict) {
        List<String> parts = new ArrayList<>();
        if (!verdict.problems().isEmpty()) {
            parts.add("shape differs");
        }
        if (verdict.differingKeys() > 0) {
            parts.add(verdict.differingKeys() + " differing key" + (verdict.differingKeys() == 1 ? "" : "s"));
        }
        return String.join(", ", parts);
    }

    static List<TableRef> tables(String list) {
        List<TableRef> tables = new ArrayList<>();
        for (String name : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            try {
                tables.add(TableRef.parse(name));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException("--tables names '" + name + "': " + e.getMessage());
            }
        }
        if (tables.isEmpty()) {
            throw new CommandLine.UsageException("--tables names no table; use e.g. --tables public.orders,public.lines");
        }
        return tables;
    }

    /** The sites and tables of the mesh JSON from a file or ({@code -}) from {@code in}; a problem is a usage error. */
    static MeshDescription readMesh(String source, InputStream in) {
        MeshJson mesh = MeshJson.fromOption(source, in);
        try {
            return mesh.description();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(mesh.source() + " is not usable: " + e.getMessage());
        }
    }
}
