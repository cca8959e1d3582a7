package io.syncline.tools.cli;

import io.syncline.connector.config.ConfigDocs;
import io.syncline.connector.config.Version;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code syncline} command. Exit codes: see {@link ExitCode}.
 *
 * <pre>
 * syncline demo                       # three PostgreSQL sites writing the same keys, ends with "converged"
 * syncline up --sites a:postgres,b:postgres --schema schema.sql
 * syncline verify --mesh mesh.json      # the JSON line of up; ends with "equal" or "DIFFERENT"
 * </pre>
 */
public final class SynclineCli {

    static final String USAGE = """
            Usage: syncline <command> [options]     (syncline <command> --help for its options)

            Commands:
              demo     start an embedded mesh (3 PostgreSQL sites by default), write at every site, show them converge
              up       start an embedded mesh for your schema; prints one JSON line, runs until Ctrl-C
              status   show every site of the mesh: connector and task states, applied, conflicts, lag
              repair   copy the winning version of every differing row to the other sites (dry run by default)
              coordinator  run one peer of the Raft coordinator
              join         seed a new site of a running mesh from an existing site
              replay       put a site's dead-lettered changes back on the changes topic (after a fix)
              changes      print the changes topic decoded, one JSON line per change (dot, vector, transaction, columns)
              gc           delete tombstones every site holds, once every site has applied past them
              run      run one site's capture and apply without Kafka Connect (Debezium embedded engine, existing Kafka)
              verify   check that every site of a mesh holds the same rows (chunked checksums, differing keys)
              bench    measure Syncline against Debezium + JDBC sink and plain JDBC; last line is JSON
              config-docs  print the connectors' configuration reference (markdown)
              version  print the version
              help     this text

            Exit codes: 0 ok/converged, 1 diverged, 2 wrong command line, 3 failed
            """;

    private SynclineCli() {
    }

    public static void main(String[] args) {
        int code = run(Arrays.asList(args), System.out, System.err);
        System.exit(code);
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.print(USAGE);
            return ExitCode.USAGE.code();
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (command) {
                case "demo" -> new DemoCommand(out, err).run(rest).code();
                case "up" -> new UpCommand(out, err).run(rest).code();
                case "repair" -> new RepairCommand(out, err, System.in).run(rest).code();
                case "status" -> new StatusCommand(out, err, System.in).run(rest).code();
                case "coordinator" -> new CoordinatorPeerCommand(out).run(rest).code();
                case "run" -> new RunCommand(out, err).run(rest).code();
                case "verify" -> new VerifyCommand(out, err, System.in).run(rest).code();
                case "bench" -> new BenchCommand(out, err).run(rest).code();
                case "join" -> new JoinCommand(out, System.in).run(rest).code();
                case "replay" -> new ReplayCommand(out).run(rest).code();
                case "changes" -> new ChangesCommand(out).run(rest).code();
                case "gc" -> new GcCommand(out, err, System.in).run(rest).code();
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield ExitCode.OK.code();
                }
                case "config-docs" -> {
                    out.print(ConfigDocs.markdown());
                    yield ExitCode.OK.code();
                }
                case "version", "--version" -> {
                    out.println("syncline " + Version.get());
                    yield ExitCode.OK.code();
                }
                default -> {
                    err.println("syncline: unknown command '" + command + "'");
                    err.print(USAGE);
                    yield ExitCode.USAGE.code();
                }
            };
        } catch (CommandLine.UsageException e) {
            err.println("syncline " + command + ": " + e.getMessage() + " (see syncline " + command + " --help)");
            return ExitCode.USAGE.code();
        } catch (RuntimeException e) {
            err.println("syncline " + command + " failed: " + describe(e));
            return ExitCode.FAILED.code();
        }
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        while (cause != null && cause != e) {
            if (cause.getMessage() != null && !sb.toString().contains(cause.getMessage())) {
                sb.append(": ").append(cause.getMessage());
            }
            e = cause;
            cause = cause.getCause();
        }
        return sb.toString();
    }
}
