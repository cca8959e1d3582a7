package io.syncline.tools.cli;

import io.syncline.conflict.coordinator.CoordinatorPeerMain;
import io.syncline.conflict.coordinator.CoordinatorPeers;
import io.syncline.conflict.coordinator.CoordinatorTuning;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code syncline coordinator}: runs one standalone peer of the Raft coordinator until SIGTERM/SIGINT. */
final class CoordinatorPeerCommand {

    static final String HELP = """
            Usage: syncline coordinator --id n1 --peers n1=127.0.0.1:9871,n2=127.0.0.1:9872,n3=127.0.0.1:9873
                                        --dir DATA [--fast]

            Runs one peer of Syncline's coordinator (an Apache Ratis group): partition leases and their
            epochs, the site registry, coordinated conflict decisions, applied frontiers. Start one per
            machine with the same --peers (3 in production, 1 allowed for development); the sinks name the
            same list in coordinator.peers. The peer keeps its log and snapshots under --dir and catches up
            from them after a restart.

              --id ID        this peer's id, one of --peers
              --peers LIST   every peer as id=host:port
              --dir DATA     this peer's data folder (created if missing)
              --fast         short election timeouts (development, tests)

            Exit codes: 143 / 130 after SIGTERM / SIGINT, 2 wrong command line, 3 failed to start
            """;

    private final PrintStream out;

    CoordinatorPeerCommand(PrintStream out) {
        this.out = out;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("id", "peers", "dir"), Set.of("fast"));
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        if (!line.has("id") || !line.has("peers") || !line.has("dir")) {
            throw new CommandLine.UsageException("--id, --peers and --dir are required");
        }
        CoordinatorPeers peers;
        try {
            peers = CoordinatorPeers.parse(line.get("peers", ""));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
        String id = line.get("id", "");
        if (!peers.addresses().containsKey(id)) {
            throw new CommandLine.UsageException("--id " + id + " is not among --peers " + peers.addresses().keySet());
        }
        CoordinatorTuning tuning = line.has("fast") ? CoordinatorTuning.fast() : CoordinatorTuning.defaults();
        CoordinatorPeerMain.runUntilStopped(id, peers, Path.of(line.get("dir", "")), tuning, out);
        return ExitCode.OK;
    }
}
