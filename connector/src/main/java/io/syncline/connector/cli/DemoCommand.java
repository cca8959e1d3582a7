package io.syncline.connector.cli;

import io.syncline.connector.embedded.Deadlines;
import io.syncline.connector.embedded.EmbeddedStack;
import io.syncline.core.site.TableRef;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code syncline demo}: two PostgreSQL sites, a workload at site a, and a comparison of both
 * sites ({@link MeshVerification}) once site b has applied every change. The last line starts with {@code converged} or
 * {@code DIVERGED}.
 */
final class DemoCommand {

    static final String HELP = """
            Usage: syncline demo [--changes N] [--tx-size N] [--seed N]

            Starts Kafka, Kafka Connect and two private PostgreSQL sites (a, b), registers Syncline's
            connectors from config-samples/ through the Connect REST API, writes a mix of inserts,
            updates and deletes at site a, waits for site b, and compares both sites' rows the way
            syncline verify does.

              --changes N   row changes to write at site a (default 5000)
              --tx-size N   rows per source transaction (default 100)
              --seed N      workload seed (default: random, printed)

            Exit codes: 0 converged, 1 diverged, 2 wrong command line, 3 failed
            """;

    private static final TableRef TABLE = TableRef.parse("public.items");

    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("changes", "tx-size", "seed"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        int changes = line.intValue("changes", 5000, 1, 10_000_000);
        int txSize = line.intValue("tx-size", 100, 1, 100_000);
        long seed = line.has("seed") ? Long.parseLong(line.get("seed", "0")) : System.nanoTime();

        out.println("Starting the embedded stack: Kafka broker, Kafka Connect worker, PostgreSQL sites a and b ...");
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres"))) {
            out.printf("Stack up in %.1f s (Kafka %s, Connect %s)%n", stack.startupTime().toMillis() / 1000.0,
                    stack.kafka().bootstrapServers(), stack.connect().restUrl());
            stack.applySql(DemoWorkload.SCHEMA);
            long syncStart = System.nanoTime();
            stack.startSync(List.of(TABLE.toString()), Map.of("apply.ledger.enabled", "true"));
            out.printf("Connectors registered from config-samples/ and running in %.1f s%n",
                    (System.nanoTime() - syncStart) / 1e9);
            return runWorkload(stack, changes, txSize, seed);
        } catch (SQLException e) {
            err.println("syncline demo failed: " + e.getMessage());
            return ExitCode.FAILED;
        }
    }

    private ExitCode runWorkload(EmbeddedStack stack, int changes, int txSize, long seed) throws SQLException {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            out.printf("Writing %d row changes at site a in transactions of %d (seed %d) ...%n", changes, txSize, seed);
            long started = System.nanoTime();
            ProgressBar writing = new ProgressBar(out, "written at a", changes);
            long writes = new DemoWorkload(TABLE.toString(), seed).run(a, changes, txSize, writing::update);
            writing.update(writes);
            ProgressBar applying = new ProgressBar(out, "applied at b", writes);
            long[] lastHealthCheck = {System.nanoTime()};
            try {
                Deadlines.await("site b has applied all " + writes + " changes", Duration.ofSeconds(300), () -> {
                    long applied = appliedAt(b);
                    applying.update(applied);
                    if (applied < writes && System.nanoTime() - lastHealthCheck[0] > 2_000_000_000L) {
                        lastHealthCheck[0] = System.nanoTime();
                        List<String> failures = stack.failures();
                        if (!failures.isEmpty()) {
                            throw new TaskFailure(String.join("; ", failures));
                        }
                    }
                    return applied >= writes;
                }, () -> appliedQuietly(b) + " applied");
            } catch (TaskFailure e) {
                out.println("DIVERGED: a connector failed: " + e.getMessage());
                return ExitCode.DIVERGED;
            } catch (IllegalStateException e) {
                out.println("DIVERGED: " + e.getMessage());
                return ExitCode.DIVERGED;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            TableVerdict result = new MeshVerification(MeshVerification.DEFAULT_CHUNK_SIZE, 20,
                    MeshVerification.Progress.NONE).verify(sites(a, b), TABLE);
            if (!result.equal()) {
                out.println("DIVERGED: " + result.differingKeys() + " rows of " + TABLE + " differ between a and b:");
                result.differences().forEach(d -> out.println("  " + d));
                return ExitCode.DIVERGED;
            }
            out.printf("converged: %d rows of %s identical at sites a and b; %d changes synced in %.1f s (%.0f rows/s)%n",
                    result.rows("a"), TABLE, writes, seconds, writes / seconds);
            return ExitCode.OK;
        }
    }

    private static Map<String, Connection> sites(Connection a, Connection b) {
        Map<String, Connection> sites = new LinkedHashMap<>();
        sites.put("a", a);
        sites.put("b", b);
        return sites;
    }

    /** A connector or task of the demo failed: waiting longer cannot help. */
    private static final class TaskFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TaskFailure(String message) {
            super(message);
        }
    }

    private static long appliedAt(Connection b) throws SQLException {
        try (PreparedStatement ps = b.prepareStatement(
                "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ?")) {
            ps.setString(1, TABLE.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String appliedQuietly(Connection b) {
        try {
            return Long.toString(appliedAt(b));
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
