package io.syncline.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.core.apply.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private static final ObjectMapper JSON = new ObjectMapper();

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
        JsonNode root = readJson(line.get("mesh", "-"));
        String problem = unsupported(root);
        if (problem != null) {
            err.println("syncline gc: " + problem);
            return ExitCode.FAILED;
        }
        TombstoneCollection.Mesh mesh = mesh(root);
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
    static String unsupported(JsonNode root) {
        for (Map.Entry<String, JsonNode> site : root.path("sites").properties()) {
            String engine = site.getValue().path("engine").asText(Engine.POSTGRES.configName());
            if (!engine.equals(Engine.POSTGRES.configName())) {
                return "site " + site.getKey() + " has engine '" + engine + "'; tombstone collection needs a capture "
                        + "barrier this build does only for PostgreSQL sites, so nothing was done";
            }
        }
        return null;
    }

    static TombstoneCollection.Mesh mesh(JsonNode root) {
        MeshDescription description;
        try {
            description = MeshDescription.parse(root.toString());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("the mesh JSON is not usable: " + e.getMessage());
        }
        String group = required(root, "group");
        String kafka = required(root, "kafka");
        String topic = root.path("changesTopic").asText(group + ".changes");
        Map<String, TombstoneCollection.Site> sites = new LinkedHashMap<>();
        for (MeshDescription.SiteAddress a : description.sites().values()) {
            String slot = root.path("sites").path(a.id()).path("slot")
                    .asText(TombstoneCollection.Site.defaultSlot(group, a.id()));
            sites.put(a.id(), new TombstoneCollection.Site(a.id(), a.jdbcUrl(), a.user(), a.password(), slot));
        }
        JsonNode peers = root.path("coordinator").path("peers");
        return new TombstoneCollection.Mesh(group, kafka, topic, sites, peers.isTextual() ? peers.asText() : null);
    }

    private static String required(JsonNode root, String field) {
        String value = root.path(field).asText("");
        if (value.isEmpty()) {
            throw new CommandLine.UsageException("the mesh JSON has no \"" + field + "\"; give the line 'syncline up' "
                    + "prints");
        }
        return value;
    }

    private JsonNode readJson(String source) {
        try {
            JsonNode root = source.equals("-")
                    ? JSON.readTree(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))
                    : JSON.readTree(Files.readString(Path.of(source)));
            if (root == null || !root.isObject()) {
                throw new CommandLine.UsageException("the mesh JSON is not a JSON object like the line 'syncline up' "
                        + "prints");
            }
            return root;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new CommandLine.UsageException("cannot read the mesh JSON from " + source + ": " + e.getMessage());
        }
    }
}
