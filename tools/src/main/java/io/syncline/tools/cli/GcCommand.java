package io.syncline.tools.cli;

import io.syncline.core.SyncGroupNames;
import io.syncline.core.apply.Engine;
import java.io.InputStream;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code syncline gc}: one round of tombstone garbage collection over a running mesh
 * ({@link TombstoneCollection}). The last line starts with {@code collected}, {@code nothing to
 * collect} or {@code dry run}.
 */
final class GcCommand {

    static final String HELP = """
            Usage: syncline gc [--mesh FILE|-] [--dry-run] [--timeout SECONDS]

            Deletes the tombstones (meta entries of deleted rows) that every site holds with the same version
            vector, once every change written anywhere before the round started has been applied everywhere:
            a capture barrier at each site (its replication slot confirmed a WAL position taken after the
            tombstones were read), then every site's sink applied the changes topic up to its end offsets.
            Each site deletes in its own transaction; all commit only after every site has deleted. With a
            coordinator in the mesh JSON the round is recorded in its decision log; each site records it in
            syncline.gc_rounds. PostgreSQL sites only (a site of another engine: exit 3, nothing done).

              --mesh FILE|-     the JSON line 'syncline up' prints ("kafka", "group", "changesTopic", "sites",
                                optionally "coordinator":{"peers":...}; a site may name its "slot",
                                default syncline_<group>_<site>); - or no option: stdin
              --dry-run         only count the tombstones known at every site
              --timeout S       how long each wait may take (default 60)

            Exit codes: 0 done (also when nothing was collected), 2 wrong command line, 3 failed or timed out
            (nothing deleted, unless the message says a site failed to commit after others did)
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    GcCommand(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("mesh", "timeout"), Set.of("dry-run"));
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        boolean dryRun = line.has("dry-run");
        int timeoutSeconds = line.intValue("timeout", 60, 1, 86_400);
        MeshJson json = MeshJson.fromOption(line.get("mesh", "-"), in);
        String problem = unsupported(json);
        if (problem != null) {
            err.println("syncline gc: " + problem);
            return ExitCode.FAILED;
        }
        TombstoneCollection.Mesh mesh = mesh(json);
        try {
            TombstoneCollection.Round round = new TombstoneCollection(mesh, Duration.ofSeconds(timeoutSeconds),
                    out::println).run(dryRun);
            if (round.dryRun()) {
                out.printf("dry run: %d tombstone(s) known at every site of %s, nothing deleted (%d ms)%n",
                        round.candidates(), mesh.sites().keySet(), round.duration().toMillis());
            } else if (round.candidates() == 0) {
                out.printf("nothing to collect: no tombstone is known at every site of %s (%d ms)%n",
                        mesh.sites().keySet(), round.duration().toMillis());
            } else {
                out.printf("collected: round %s deleted %s of %d tombstone(s) known everywhere (%d ms)%n", round.id(),
                        round.collected(), round.candidates(), round.duration().toMillis());
            }
            return ExitCode.OK;
        } catch (SQLException | IllegalStateException e) {
            err.println("syncline gc failed: " + SynclineCli.describe(e));
            return ExitCode.FAILED;
        }
    }

    /** Why this build cannot collect at this mesh, or null. */
    static String unsupported(MeshJson json) {
        for (Map.Entry<String, String> site : json.engines().entrySet()) {
            if (!site.getValue().equals(Engine.POSTGRES.configName())) {
                return "site " + site.getKey() + " has engine '" + site.getValue() + "'; tombstone collection needs a "
                        + "capture barrier this build does only for PostgreSQL sites, so nothing was done";
            }
        }
        return null;
    }

    static TombstoneCollection.Mesh mesh(MeshJson json) {
        MeshDescription description;
        try {
            description = json.description();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("the mesh JSON is not usable: " + e.getMessage());
        }
        String group = required(json.group(), "group");
        String kafka = required(json.kafka(), "kafka");
        SyncGroupNames names = SyncGroupNames.of(group);
        String topic = json.changesTopic().orElse(names.changesTopic());
        Map<String, TombstoneCollection.Site> sites = new LinkedHashMap<>();
        for (MeshDescription.SiteAddress a : description.sites().values()) {
            String slot = json.slot(a.id()).orElse(names.slot(a.id()));
            sites.put(a.id(), new TombstoneCollection.Site(a.id(), a.jdbcUrl(), a.user(), a.password(), slot));
        }
        return new TombstoneCollection.Mesh(group, kafka, topic, sites, json.coordinatorPeers().orElse(null));
    }

    private static String required(Optional<String> value, String field) {
        return value.orElseThrow(() -> new CommandLine.UsageException("the mesh JSON has no \"" + field
                + "\"; give the line 'syncline up' prints"));
    }
}
