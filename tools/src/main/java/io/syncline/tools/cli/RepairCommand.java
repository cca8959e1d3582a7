package io.syncline.tools.cli;

import io.syncline.core.site.TableRef;
import java.io.InputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code syncline repair}: finds the rows that differ between sites (as {@code verify} does) and
 * copies the winning version of each to the sites that hold something else. A dry run by default:
 * it lists what it would change; {@code --apply} changes it.
 */
final class RepairCommand {

    static final String HELP = """
            Usage: syncline repair [--mesh FILE|-] [--tables schema.t1,schema.t2] [--apply]

            Finds the rows that differ between the sites of a mesh (chunked checksums, as syncline verify does)
            and, for each, the winning version: the one whose version vector dominates the others; among
            concurrent versions the newer hybrid clock, then the larger site id. Without --apply it only lists
            what it would change. With --apply it copies the winner (or its deletion) to every site that holds
            something else, as a Syncline apply (not shipped again), and verifies again.

              --mesh FILE|-     the JSON line 'syncline up' prints, or a file of the same shape (see verify --help)
              --tables LIST     schema.table names, comma-separated (default: the JSON's "tables")
              --apply           change the sites (default: dry run)

            Exit codes: 0 nothing to repair / repaired and equal, 1 differences remain (dry run: found),
                        2 wrong command line, 3 failed
            """;

    private static final int MAX_KEYS = 1_000_000;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    RepairCommand(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("mesh", "tables"), Set.of("apply"));
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        boolean apply = line.has("apply");
        MeshDescription mesh = VerifyCommand.readMesh(line.get("mesh", "-"), in);
        List<TableRef> tables = line.has("tables") ? VerifyCommand.tables(line.get("tables", "")) : mesh.tables();
        if (tables.isEmpty()) {
            throw new CommandLine.UsageException("no table to repair: the mesh JSON lists none and --tables is not given");
        }
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (MeshDescription.SiteAddress site : mesh.sites().values()) {
                try {
                    connections.put(site.id(), site.connect());
                } catch (SQLException e) {
                    err.println("syncline repair: site " + site.id() + " is unreachable at " + site.displayUrl() + ": "
                            + SynclineCli.describe(e));
                    return ExitCode.FAILED;
                }
            }
            MeshVerification verification = new MeshVerification(MeshVerification.DEFAULT_CHUNK_SIZE, MAX_KEYS,
                    (table, done, total) -> { });
            List<MeshRepair.Action> plan = new ArrayList<>();
            for (TableRef table : tables) {
                TableVerdict verdict = verification.verify(connections, table);
                if (!verdict.problems().isEmpty()) {
                    out.println(table + ": cannot be repaired row by row: " + String.join("; ", verdict.problems()));
                    return ExitCode.DIVERGED;
                }
                List<String> keys = verdict.keys().stream().map(TableVerdict.KeyDifference::key).toList();
                plan.addAll(MeshRepair.plan(connections, table, keys));
            }
            if (plan.isEmpty()) {
                out.println("nothing to repair: " + tables.size() + " tables identical at sites "
                        + String.join(", ", connections.keySet()));
                return ExitCode.OK;
            }
            plan.forEach(a -> out.println((apply ? "repair: " : "would repair: ") + a.describe()));
            if (!apply) {
                out.println("DIFFERENT: " + plan.size() + " rows would be repaired; run again with --apply to repair");
                return ExitCode.DIVERGED;
            }
            ProgressBar bar = new ProgressBar(err, "repairing", plan.size());
            int written = 0;
            for (int i = 0; i < plan.size(); i++) {
                written += MeshRepair.apply(connections, List.of(plan.get(i)));
                bar.update(i + 1);
            }
            for (TableRef table : tables) {
                if (!verification.verify(connections, table).equal()) {
                    out.println("DIFFERENT: " + table + " still differs after the repair (sites kept changing?)");
                    return ExitCode.DIVERGED;
                }
            }
            out.println("repaired: " + plan.size() + " rows (" + written + " site writes); " + tables.size()
                    + " tables now identical at sites " + String.join(", ", connections.keySet()));
            return ExitCode.OK;
        } catch (SQLException e) {
            err.println("syncline repair failed: " + SynclineCli.describe(e));
            return ExitCode.FAILED;
        } finally {
            for (Connection c : connections.values()) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // Nothing left to do with this connection.
                }
            }
        }
    }
}
