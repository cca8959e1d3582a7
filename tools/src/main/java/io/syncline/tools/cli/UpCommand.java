package io.syncline.tools.cli;

import io.syncline.tools.embedded.EmbeddedStack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code syncline up}: starts the embedded mesh for a schema and prints one JSON line describing
 * it (the contract other tools drive the product through), then runs until SIGTERM or SIGINT.
 */
final class UpCommand {

    static final String HELP = """
            Usage: syncline up [--sites a:postgres,b:postgres] [--schema FILE.sql] [--tables t1,t2] [--group NAME]
                               [--partitions N] [--coordinators N] [--workers N]

            Starts Kafka, Kafka Connect and one private database server per site, runs the schema at every
            site, starts sync of the tables (default: every table with a primary key the schema created),
            prints one JSON line and keeps running until SIGTERM/SIGINT, then deletes everything.
            --coordinators 3 also starts three in-process Raft coordinator peers: every sink then applies a
            partition only while it holds the partition's lease (JSON: "coordinator":{"peers":"n1=..."}).
            --workers 2 runs the Kafka broker, two Connect workers (one Connect cluster: the same group.id,
            distributed mode, the plugin on their plugin.path) and each coordinator peer as separate JVMs, so
            any of them can be killed (kill -9), paused (kill -STOP) or restarted; without it the broker, one
            worker and the coordinator peers run inside this process. Their output: the log folder.
            A site's engine is postgres (the installed server, Debian's 15), postgres15/postgres16/postgres17 (that
            server version: installed, or the one bundled with Syncline, 17 by default) or mariadb, e.g.
            --sites a:postgres17,b:postgres15,c:mariadb.

            JSON line: {"connect":"http://127.0.0.1:P","kafka":"127.0.0.1:P","group":"...","changesTopic":"...",
                        "sites":{"a":{"engine":"postgres","host":"127.0.0.1","port":P,"database":"...",
                        "version":17 (PostgreSQL sites), "user":"...","password":"...","jdbcUrl":"...","pid":N},...},
                        "tables":[...],"startupMs":N,
                        "kafkaPid":N,"workers":[{"url":"http://127.0.0.1:P","pid":N},...]}
                        with --coordinators also "coordinator":{"peers":"n1=...","pids":{"n1":N,...}}
                        (a pid is this process's own for what runs inside it)

            Exit codes: 143 / 130 after SIGTERM / SIGINT (everything stopped and deleted), 2 wrong command line,
            3 failed to start
            """;

    private final PrintStream out;
    private final PrintStream err;

    UpCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("sites", "schema", "tables", "group", "partitions", "coordinators",
                "workers"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        String schemaSql = null;
        if (line.has("schema")) {
            Path schema = Path.of(line.get("schema", ""));
            try {
                schemaSql = Files.readString(schema);
            } catch (IOException e) {
                throw new CommandLine.UsageException("--schema " + schema + " cannot be read: " + e.getMessage());
            }
        }
        EmbeddedStack.Options options;
        try {
            options = EmbeddedStack.Options.sites(line.get("sites", "a:postgres,b:postgres"))
                    .withGroup(line.get("group", "demo"));
            options = new EmbeddedStack.Options(options.sites(), options.group(),
                    line.intValue("partitions", 4, 1, 1000), options.pluginPath(), options.configSamples(),
                    line.intValue("coordinators", 0, 0, 7), line.intValue("workers", 0, 0, 8));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
        EmbeddedStack stack = EmbeddedStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "syncline-up-shutdown"));
        if (schemaSql != null) {
            stack.applySql(schemaSql);
        }
        List<String> tables = line.has("tables")
                ? Arrays.stream(line.get("tables", "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                : discoverTables(stack);
        if (!tables.isEmpty()) {
            stack.startSync(tables, Map.of());
        } else {
            err.println("syncline up: no table to sync yet (no --tables, and the schema created no table with a "
                    + "primary key); the stack runs without connectors");
        }
        out.println(stack.describeJson());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }

    /** Every user table with a primary key at the first site. */
    private static List<String> discoverTables(EmbeddedStack stack) {
        String first = stack.sites().keySet().iterator().next();
        List<String> tables = new ArrayList<>();
        try (Connection c = stack.site(first).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                        SELECT n.nspname || '.' || c.relname
                          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                           AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'syncline')
                           AND n.nspname NOT LIKE 'pg_toast%'
                           AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                         ORDER BY 1""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the tables of site " + first + ": " + e.getMessage(), e);
        }
        return tables;
    }
}
