package io.syncline.tools.cli;

import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.apply.Engine;
import io.syncline.core.apply.OffsetsTable;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code syncline demo}: several sites (PostgreSQL, or mixed with MariaDB through {@code --engines})
 * written at the same time on hot keys, the
 * conflicts resolved along the way, and a comparison of every site ({@link MeshVerification}) once
 * all changes are applied. The last line starts with {@code converged} or {@code DIVERGED}.
 */
final class DemoCommand {

    static final String HELP = """
            Usage: syncline demo [--sites N] [--engines postgres,mariadb] [--changes N] [--keys N] [--seed N]

            Starts Kafka, Kafka Connect and N private database sites (a, b, c, ...), registers Syncline's
            connectors from config-samples/ through the Connect REST API, lets every site write inserts,
            updates, deletes and primary-key changes on the same hot keys at the same time, waits until
            every change is applied everywhere, shows the conflicts the sites resolved, and compares all
            sites' rows the way syncline verify does.

              --sites N     sites, 2 to 5 (default 3)
              --engines L   the sites' engines, given in turn to a, b, c, ... (default postgres);
                            postgres,mariadb makes a mixed mesh
              --changes N   operations written at each site (default 2000)
              --keys N      distinct keys the sites fight over (default 500)
              --seed N      workload seed (default: random, printed)

            Exit codes: 0 converged, 1 diverged, 2 wrong command line, 3 failed
            """;

    private static final TableRef TABLE = TableRef.parse("public.accounts");

    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("sites", "engines", "changes", "keys", "seed"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        int siteCount = line.intValue("sites", 3, 2, 5);
        int changes = line.intValue("changes", 2000, 1, 10_000_000);
        int keys = line.intValue("keys", 500, 1, 100_000_000);
        long seed;
        try {
            seed = line.has("seed") ? Long.parseLong(line.get("seed", "0")) : System.nanoTime();
        } catch (NumberFormatException e) {
            throw new CommandLine.UsageException("--seed must be a whole number");
        }
        List<String> sites = new ArrayList<>();
        for (int i = 0; i < siteCount; i++) {
            sites.add(String.valueOf((char) ('a' + i)));
        }
        List<String> engines = List.of(line.get("engines", "postgres").split(","));
        for (String engine : engines) {
            try {
                Engine.of(engine);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException("--engines names '" + engine + "'; use postgres and mariadb");
            }
        }
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            specs.add(sites.get(i) + ":" + engines.get(i % engines.size()));
        }
        String spec = String.join(",", specs);
        out.println("Starting the embedded stack: Kafka broker, Kafka Connect worker, sites " + spec + " ...");
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.sites(spec))) {
            out.printf("Stack up in %.1f s (Kafka %s, Connect %s)%n", stack.startupTime().toMillis() / 1000.0,
                    stack.kafka().bootstrapServers(), stack.connect().restUrl());
            stack.applySql(String.format(ConcurrentWorkload.SCHEMA, TABLE),
                    String.format(ConcurrentWorkload.MARIADB_SCHEMA, TABLE));
            long syncStart = System.nanoTime();
            stack.startSync(List.of(TABLE.toString()), Map.of("apply.ledger.enabled", "true"));
            out.printf("Connectors registered from config-samples/ and running at %d sites in %.1f s%n", siteCount,
                    (System.nanoTime() - syncStart) / 1e9);
            return race(stack, sites, changes, keys, seed);
        } catch (SQLException | InterruptedException | ExecutionException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            err.println("syncline demo failed: " + SynclineCli.describe(e));
            return ExitCode.FAILED;
        }
    }

    private ExitCode race(EmbeddedStack stack, List<String> sites, int changes, int keys, long seed)
            throws SQLException, InterruptedException, ExecutionException {
        out.printf("Writing %d operations at each of %d sites at the same time on %d hot keys (seed %d) ...%n",
                changes, sites.size(), keys, seed);
        long started = System.nanoTime();
        AtomicInteger written = new AtomicInteger();
        ProgressBar writing = new ProgressBar(out, "written", (long) changes * sites.size());
        ExecutorService pool = Executors.newFixedThreadPool(sites.size());
        List<Future<ConcurrentWorkload.Result>> results = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            String site = sites.get(i);
            long siteSeed = seed * 31 + i;
            results.add(pool.submit(() -> {
                try (Connection c = stack.site(site).connect()) {
                    int[] last = {0};
                    return new ConcurrentWorkload(TABLE.toString(), keys, siteSeed).run(c, site, changes, done -> {
                        int step = done - last[0];
                        last[0] = done;
                        long total = written.addAndGet(step);
                        synchronized (writing) {
                            writing.update(total);
                        }
                    });
                }
            }));
        }
        int operations = 0;
        for (Future<ConcurrentWorkload.Result> result : results) {
            operations += result.get().committedOperations();
        }
        pool.shutdown();
        out.println("Waiting until every site has applied every change ...");
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (String site : sites) {
                connections.put(site, stack.site(site).connect());
            }
            TableVerdict verdict;
            try {
                verdict = awaitQuiet(stack, connections);
            } catch (IllegalStateException e) {
                out.println("DIVERGED: " + e.getMessage());
                return ExitCode.DIVERGED;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            printConflicts(connections);
            if (!verdict.equal()) {
                out.println("DIVERGED: " + verdict.differingKeys() + " rows of " + TABLE + " differ:");
                verdict.differences().stream().limit(20).forEach(d -> out.println("  " + d));
                return ExitCode.DIVERGED;
            }
            out.printf("converged: %d rows of %s identical at sites %s; %d operations written at %d sites at once "
                    + "in %.1f s (%.0f ops/s end to end)%n", verdict.rows(sites.get(0)), TABLE,
                    String.join(", ", sites), operations, sites.size(), seconds, operations / seconds);
            return ExitCode.OK;
        } finally {
            for (Connection c : connections.values()) {
                c.close();
            }
        }
    }

    /** Every sink consumed the whole changes topic and every site holds the same rows. */
    private static TableVerdict awaitQuiet(EmbeddedStack stack, Map<String, Connection> connections) {
        TableVerdict[] last = new TableVerdict[1];
        long[] lastHealthCheck = {System.nanoTime()};
        Deadlines.await("every site applied every change", Duration.ofSeconds(300), () -> {
            if (System.nanoTime() - lastHealthCheck[0] > 2_000_000_000L) {
                lastHealthCheck[0] = System.nanoTime();
                List<String> failures = stack.failures();
                if (!failures.isEmpty()) {
                    throw new IllegalStateException("a connector failed: " + String.join("; ", failures));
                }
            }
            long end = stack.kafka().endOffsetsSum(stack.changesTopic());
            for (Connection c : connections.values()) {
                if (OffsetsTable.totalNextOffsets(c) < end) {
                    return false;
                }
            }
            last[0] = MeshVerification.withDefaults().verify(connections, TABLE);
            return last[0].equal() && stack.kafka().endOffsetsSum(stack.changesTopic()) == end;
        }, () -> last[0] == null ? "changes still in flight" : last[0].differingKeys() + " rows still differ");
        return last[0];
    }

    private void printConflicts(Map<String, Connection> connections) throws SQLException {
        Map<String, Long> byKind = new TreeMap<>();
        long total = 0;
        for (Connection site : connections.values()) {
            for (ConflictsTable.Count count : ConflictsTable.counts(site, TABLE.toString())) {
                byKind.merge(count.type() + " by " + count.rule(), count.count(), Long::sum);
                total += count.count();
            }
        }
        out.printf("Conflicts resolved (each counted at every site that saw it): %d%n", total);
        byKind.forEach((kind, count) -> out.printf("  %-40s %d%n", kind, count));
        Connection first = connections.values().iterator().next();
        for (ConflictsTable.Logged c : ConflictsTable.oldest(first, TABLE.toString(), 3)) {
            out.printf("  e.g. key %s: %s, local version from %s vs incoming from %s, %s won (%s)%n",
                    c.pk(), c.type(), c.localOrigin(), c.incomingOrigin(), c.winner(), c.rule());
        }
    }
}
