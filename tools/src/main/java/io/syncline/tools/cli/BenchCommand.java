package io.syncline.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code syncline bench}: Syncline against Debezium's PostgreSQL connector + JDBC sink and against
 * plain batched JDBC, on one embedded stack with two PostgreSQL sites; prints a table and, as its
 * last line, one JSON object.
 */
final class BenchCommand {

    static final String HELP = """
            Usage: syncline bench [--rows N] [--quick] [--lag-seconds S] [--warmup N] [--phases P,...]
                   syncline bench --large-tx N

            Starts the embedded stack (Kafka, Kafka Connect, sites a and b on private PostgreSQL servers) and
            measures, on tables of ~200-byte rows (id, four integers, a numeric, a timestamp, a short text):
              ceiling   the rows upserted straight into b with batched JDBC from one client (no Kafka)
              syncline  the rows written at a in transactions of 100, until all are applied at b
              peer      the same through Debezium's PostgreSQL connector + Debezium's JDBC sink connector
                        (insert.mode=upsert, delete.enabled=true, batched) on the same worker and databases
              lag       rows offered at a at 1,000 and 10,000 rows/s: commit-to-apply lag p50/p99 from the
                        database clocks (written_at at a, applied_at at b)
            --rows N       rows per throughput phase (default 200000; --quick: 5000)
            --quick        a short run (small numbers, 2 s per lag rate)
            --warmup N     rows sent through the peer and through Syncline before either is measured
                           (default a tenth of --rows, at most 20000), so both meet compiled code
            --phases P,... only these of ceiling,syncline,peer,lag (default all); the figures of the
                           others are left out of the table and the JSON line
            --large-tx N   only: one statement inserting N rows in one transaction at a, until b has them;
                           run it with SYNCLINE_JAVA_OPTS=-Xmx512m to hold the whole stack to 512 MB of heap

            The peer's plugins come from Debezium's archives on Maven Central, unpacked by the build into
            connector/target/bench-plugins (-Dsyncline.bench.plugins overrides).
            Last line: {"syncline_rows_per_s":..,"peer_rows_per_s":..,"ratio_vs_peer":..,"ceiling_rows_per_s":..,
            "ratio_vs_ceiling":..,"p50_lag_ms_1k":..,"p99_lag_ms_1k":..,"p50_lag_ms_10k":..,"p99_lag_ms_10k":..,
            "rows":..,"heap_peak_mb":..,...}
            Exit codes: 0 measured, 1 a site's rows differ after a phase, 2 wrong command line, 3 failed
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final BenchTable SYNC = new BenchTable("public.bench_syncline");
    private static final BenchTable PEER = new BenchTable("public.bench_peer");
    private static final BenchTable CEILING = new BenchTable("public.bench_ceiling");
    private static final BenchTable LAG = new BenchTable("public.bench_lag");
    private static final BenchTable LARGE = new BenchTable("public.bench_large");

    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("rows", "large-tx", "lag-seconds", "phases", "warmup"), Set.of("quick"));
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        boolean quick = line.has("quick");
        int rows = line.intValue("rows", quick ? 5_000 : 200_000, TRANSACTION_MIN, 100_000_000);
        int lagSeconds = line.intValue("lag-seconds", quick ? 2 : 10, 1, 3600);
        int largeTx = line.intValue("large-tx", 0, 0, 100_000_000);
        int warmup = line.intValue("warmup", Math.min(20_000, rows / 10), 0, 100_000_000);
        Set<String> phaseNames = phases(line.get("phases", String.join(",", PHASES)));
        EmbeddedStack.Options options = EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup("bench");
        Map<String, String> worker = largeTx > 0 ? Map.of()
                : Map.of("plugin.path", options.pluginPath().toAbsolutePath() + "," + benchPlugins(options));
        try (HeapWatch heap = HeapWatch.start(); EmbeddedStack stack = EmbeddedStack.start(options, worker)) {
            Duration timeout = Duration.ofSeconds(Math.max(600, Math.max(rows, largeTx) / 100));
            BenchPhases phases = new BenchPhases(stack, timeout);
            return largeTx > 0 ? largeTransaction(stack, phases, heap, largeTx)
                    : compare(stack, phases, heap, rows, lagSeconds, warmup, phaseNames);
        } catch (SQLException e) {
            throw new IllegalStateException("a benchmark query failed: " + e.getMessage(), e);
        }
    }

    /** Pauses or resumes the connectors and waits until they and their tasks are in that state. */
    private static void setPaused(EmbeddedStack stack, List<String> connectors, boolean paused) {
        for (String name : connectors) {
            if (paused) {
                stack.rest().pauseConnector(name);
            } else {
                stack.rest().resumeConnector(name);
            }
        }
        for (String name : connectors) {
            stack.rest().awaitState(name, paused ? "PAUSED" : "RUNNING", Duration.ofSeconds(120));
        }
    }

    private static final int TRANSACTION_MIN = BenchPhases.TRANSACTION_ROWS;

    private static final List<String> PHASES = List.of("ceiling", "syncline", "peer", "lag");

    private static Set<String> phases(String list) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            String phase = name.trim();
            if (!PHASES.contains(phase)) {
                throw new CommandLine.UsageException("--phases takes " + String.join(",", PHASES) + "; '" + phase
                        + "' is not one of them");
            }
            chosen.add(phase);
        }
        return chosen;
    }

    private ExitCode compare(EmbeddedStack stack, BenchPhases phases, HeapWatch heap, int rows, int lagSeconds,
            int warmup, Set<String> only) throws SQLException {
        for (BenchTable table : List.of(SYNC, PEER, CEILING, LAG)) {
            stack.applySql(table.schema());
            try (Connection b = stack.site("b").connect()) {
                b.createStatement().execute(table.arrivalTrigger());
            }
        }
        List<String> synclineConnectors = stack.startSync(List.of(SYNC.name(), LAG.name()), Map.of());
        out.printf(Locale.ROOT, "syncline bench: %,d rows of ~200 bytes per phase, 2 PostgreSQL sites, %d cores%n",
                rows, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-44s %10s %9s %12s %8s %6s %9s%n", "phase", "rows", "seconds", "rows/s", "load1m",
                "equal", "written");

        ObjectNode json = JSON.createObjectNode();
        boolean equal = true;
        BenchPhases.Throughput ceiling = null;
        BenchPhases.Throughput syncline = null;
        BenchPhases.Throughput debezium = null;
        if (only.contains("ceiling")) {
            ceiling = phases.ceiling(CEILING, rows);
            print(ceiling, "ceiling: batched JDBC upserts into b");
            equal &= ceiling.equal();
        }
        // Both pipelines run and are warmed up before either is measured, so that neither meets code
        // the other one's run compiled (broker, Connect, Debezium's decoder are shared).
        PeerPipeline peer = new PeerPipeline(stack, PEER);
        if (only.contains("peer")) {
            stack.rest().putConnectorConfig(peer.sourceName(), peer.sourceConfig("a"));
            stack.rest().putConnectorConfig(peer.sinkName(), peer.sinkConfig("b"));
            stack.rest().awaitRunning(peer.sourceName(), Duration.ofSeconds(120));
            stack.rest().awaitRunning(peer.sinkName(), Duration.ofSeconds(120));
            awaitSlotActive(stack, "bench_peer");
            phases.warmUp("peer", PEER, rows, warmup);
        }
        // While one pipeline is measured the other one's connectors are paused: an idle Debezium
        // capture task still costs CPU (its queue waits out poll.interval.ms by spinning), which
        // would be taken from the pipeline being measured. Pausing causes no group rebalance.
        List<String> peerConnectors = only.contains("peer") ? List.of(peer.sourceName(), peer.sinkName()) : List.of();
        if (only.contains("syncline")) {
            setPaused(stack, peerConnectors, true);
            phases.warmUp("syncline", SYNC, rows, warmup);
            syncline = phases.endToEnd("syncline", SYNC, rows, warmup);
            print(syncline, "syncline: a -> Kafka -> b");
            equal &= syncline.equal();
        }
        if (only.contains("peer")) {
            setPaused(stack, synclineConnectors, true);
            setPaused(stack, peerConnectors, false);
            debezium = phases.endToEnd("peer", PEER, rows, warmup);
            print(debezium, "peer: Debezium PostgreSQL + JDBC sink");
            equal &= debezium.equal();
            setPaused(stack, peerConnectors, true);
            setPaused(stack, synclineConnectors, false);
        }
        BenchPhases.Lag lag1k = null;
        BenchPhases.Lag lag10k = null;
        if (only.contains("lag")) {
            lag1k = phases.lag(LAG, 1_000, lagSeconds, 1);
            lag10k = phases.lag(LAG, 10_000, lagSeconds, 100_000_000L);
            out.printf(Locale.ROOT, "%-44s %10s %9s %12s %8s%n", "lag (commit at a -> apply at b)", "rows", "p50 ms",
                    "p99 ms", "load1m");
            for (BenchPhases.Lag lag : List.of(lag1k, lag10k)) {
                out.printf(Locale.ROOT, "%-44s %10d %9.1f %12.1f %8.2f%n",
                        String.format(Locale.ROOT, "offered %,d rows/s (achieved %,.0f)", lag.offeredRate(),
                                lag.achievedRate()), lag.rows(), lag.p50Millis(), lag.p99Millis(), lag.load());
            }
        }

        if (only.contains("peer")) {
            // Only now: deleting connectors makes the worker's group rebalance, which must not fall
            // into a measurement.
            stack.rest().deleteConnector(peer.sourceName());
            stack.rest().deleteConnector(peer.sinkName());
        }
        if (syncline != null) {
            json.put("syncline_rows_per_s", round(syncline.rowsPerSecond()));
        }
        if (debezium != null) {
            json.put("peer_rows_per_s", round(debezium.rowsPerSecond()));
        }
        if (syncline != null && debezium != null) {
            json.put("ratio_vs_peer", ratio(syncline.rowsPerSecond(), debezium.rowsPerSecond()));
        }
        if (ceiling != null) {
            json.put("ceiling_rows_per_s", round(ceiling.rowsPerSecond()));
        }
        if (syncline != null && ceiling != null) {
            json.put("ratio_vs_ceiling", ratio(syncline.rowsPerSecond(), ceiling.rowsPerSecond()));
        }
        if (syncline != null) {
            json.put("syncline_write_s", syncline.writeMillis() / 1000.0);
        }
        if (debezium != null) {
            json.put("peer_write_s", debezium.writeMillis() / 1000.0);
        }
        if (lag1k != null) {
            json.put("p50_lag_ms_1k", round(lag1k.p50Millis()));
            json.put("p99_lag_ms_1k", round(lag1k.p99Millis()));
            json.put("p50_lag_ms_10k", round(lag10k.p50Millis()));
            json.put("p99_lag_ms_10k", round(lag10k.p99Millis()));
        }
        json.put("rows", rows);
        json.put("warmup_rows", warmup);
        json.put("heap_peak_mb", heap.peakMb());
        json.put("heap_after_gc_peak_mb", heap.livePeakMb());
        json.put("heap_max_mb", heap.maxMb());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("load_1m", BenchPhases.load());
        json.put("equal", equal);
        out.println(json);
        return equal ? ExitCode.OK : ExitCode.DIVERGED;
    }

    private ExitCode largeTransaction(EmbeddedStack stack, BenchPhases phases, HeapWatch heap, int rows)
            throws SQLException {
        stack.applySql(LARGE.schema());
        try (Connection b = stack.site("b").connect()) {
            b.createStatement().execute(LARGE.arrivalTrigger());
        }
        stack.startSync(List.of(LARGE.name()), Map.of());
        out.printf(Locale.ROOT, "syncline bench --large-tx: one statement of %,d rows in one transaction at a, "
                + "heap limit %d MB%n", rows, heap.maxMb());
        long began = System.nanoTime();
        BenchPhases.Throughput large = phases.singleTransaction(LARGE, rows, arrived -> {
            out.printf(Locale.ROOT, "  %6.0f s: %s, heap peak %d MB (after GC %d MB), load %.2f%n", (System.nanoTime() - began) / 1e9,
                    arrived < 0 ? "transaction committed at a" : String.format(Locale.ROOT, "b has at least %,d rows", arrived),
                    heap.peakMb(), heap.livePeakMb(), BenchPhases.load());
            out.flush();
        });
        print(large, "one transaction a -> b");
        ObjectNode json = JSON.createObjectNode();
        json.put("large_tx_rows", rows);
        json.put("large_tx_seconds", large.millis() / 1000.0);
        json.put("large_tx_write_s", large.writeMillis() / 1000.0);
        json.put("large_tx_rows_per_s", round(large.rowsPerSecond()));
        json.put("rows", rows);
        json.put("heap_peak_mb", heap.peakMb());
        json.put("heap_after_gc_peak_mb", heap.livePeakMb());
        json.put("heap_max_mb", heap.maxMb());
        json.put("load_1m", BenchPhases.load());
        json.put("equal", large.equal());
        out.println(json);
        return large.equal() ? ExitCode.OK : ExitCode.DIVERGED;
    }

    private void print(BenchPhases.Throughput t, String label) {
        out.printf(Locale.ROOT, "%-44s %10d %9.2f %12.0f %8.2f %6s %8.2fs%n", label, t.rows(), t.millis() / 1000.0,
                t.rowsPerSecond(), t.load(), t.equal() ? "yes" : "NO", t.writeMillis() / 1000.0);
        out.flush();
    }

    private static void awaitSlotActive(EmbeddedStack stack, String slot) {
        Deadlines.await("the peer's replication slot " + slot + " is streaming",
                Duration.ofSeconds(120), () -> {
                    try (Connection a = stack.site("a").connect();
                            var ps = a.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                        ps.setString(1, slot);
                        try (var rs = ps.executeQuery()) {
                            return rs.next() && rs.getBoolean(1);
                        }
                    }
                }, () -> "not active");
    }

    /** Debezium's plugin folders: -Dsyncline.bench.plugins, else bench-plugins beside the Syncline plugin. */
    private static Path benchPlugins(EmbeddedStack.Options options) {
        String configured = System.getProperty("syncline.bench.plugins");
        Path folder = configured != null && !configured.isBlank() ? Path.of(configured)
                : options.pluginPath().toAbsolutePath().getParent().resolve("bench-plugins");
        if (!Files.isDirectory(folder.resolve("debezium-connector-jdbc"))
                || !Files.isDirectory(folder.resolve("debezium-connector-postgres"))) {
            throw new IllegalStateException("Debezium's plugin folders are missing under " + folder
                    + "; build with 'mvn -B package -DskipTests' (it unpacks them) or set -Dsyncline.bench.plugins");
        }
        return folder.toAbsolutePath();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double ratio(double a, double b) {
        return b <= 0 ? 0 : Math.round(a / b * 100) / 100.0;
    }
}
