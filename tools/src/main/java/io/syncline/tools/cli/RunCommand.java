package io.syncline.tools.cli;

import io.syncline.tools.standalone.SiteUnreachableException;
import io.syncline.tools.standalone.StandaloneConfig;
import io.syncline.tools.standalone.StandaloneConfigException;
import io.syncline.tools.standalone.StandaloneSite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code syncline run}: one site's capture and apply without Kafka Connect (standalone mode), on
 * Debezium's embedded engine, against an existing Kafka, until SIGTERM or SIGINT.
 */
final class RunCommand {

    static final String HELP = """
            Usage: syncline run --config SITE.json

            Runs one site of a sync group without Kafka Connect, for small setups: captures the site's writes
            (Debezium's embedded engine) to <group>.changes and applies the other sites' changes from it, on an
            existing Kafka, until SIGTERM/SIGINT; then stops cleanly (offsets flushed, consumer group left).
            Creates <group>.changes and <group>.conflicts (and the dead-letter topic) if they are missing, and
            installs Syncline's objects at the site like the connectors do. Run one per site.

            SITE.json:
              {"kafka":   "host:9092"  or  {"bootstrap.servers": "...", "security.protocol": "...", ...},
               "site":    {the keys source and sink share: "sync.group", "site.id", "table.include.list",
                           "database.hostname", "database.port", "database.user", "database.password",
                           "database.dbname"},
               "source":  {source connector keys, e.g. "poll.interval.ms", "topic.creation.default.partitions"},
               "sink":    {sink connector keys, e.g. "conflict.resolver", "errors.tolerance",
                           "errors.deadletterqueue.topic.name"},
               "offsets": {"file": "east.offsets"}  or  {"topic": "syncline-east-offsets", "replication.factor": 3}}
            "site" is optional (a connector config's "config" object may be pasted as "source" and "sink");
            "offsets" defaults to syncline-<group>-<site>.offsets next to SITE.json; relative paths are
            relative to SITE.json. Passwords are never logged. Sample: config-samples/standalone/site-a.json.

            Exit codes: 143 / 130 after SIGTERM / SIGINT (stopped cleanly), 2 wrong command line or site file,
            3 failed (Kafka or the database unreachable, or the site stopped on an error)
            """;

    private final PrintStream out;
    private final PrintStream err;

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("config"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        if (!line.has("config")) {
            throw new CommandLine.UsageException("--config SITE.json is required");
        }
        StandaloneSite site;
        try {
            site = StandaloneSite.start(StandaloneConfig.load(Path.of(line.get("config", ""))));
        } catch (StandaloneConfigException e) {
            err.println("syncline run: " + e.getMessage());
            return ExitCode.USAGE;
        } catch (SiteUnreachableException e) {
            err.println("syncline run: " + SynclineCli.describe(e));
            return ExitCode.FAILED;
        }
        AtomicBoolean signalled = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            site.close();
        }, "syncline-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("site " + site.config().siteId() + " of group " + site.config().syncGroup()
                + " runs standalone on Kafka " + site.config().bootstrapServers() + "; SIGTERM or Ctrl-C stops it");
        out.flush();
        Optional<Throwable> failure;
        try {
            failure = site.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            site.close();
            return ExitCode.FAILED;
        }
        if (failure.isEmpty() || signalled.get()) {
            return ExitCode.OK;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutting down already: the hook closes the site.
        }
        site.close();
        err.println("syncline run: site " + site.config().siteId() + " stopped: " + SynclineCli.describe(failure.get()));
        return ExitCode.FAILED;
    }
}
