package io.syncline.tools.cli;

import io.syncline.connector.deadletter.DeadLetterReplay;
import io.syncline.connector.deadletter.KafkaSettings;
import io.syncline.core.SyncGroupNames;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code syncline replay}: puts the changes a site set aside on its dead-letter topic back on the
 * changes topic, e.g. after the schema change that makes them fit reached that site. Safe to run any
 * number of times: every site skips a version it already holds or that a newer one dominates. The
 * replay itself is {@link DeadLetterReplay}, which the console's replay button calls too.
 */
final class ReplayCommand {

    static final String HELP = """
            Usage: syncline replay --kafka HOST:PORT --group NAME --site ID [--topic DLQ_TOPIC]

            Reads the dead-letter topic of a site's sink (default <group>.dlq.<site>, as in the samples) from its
            start to its current end and produces every change envelope on it again to <group>.changes, with its
            original key (so it lands in the same partition, after the row's newer versions). Records that are
            not change envelopes stay where they are. Every site applies a replayed change only if it does not
            hold that version or a newer one yet, so replaying twice, or a change another site had applied,
            changes nothing; a change the site still refuses goes to its dead-letter topic again.

              --kafka HOST:PORT  the Kafka bootstrap servers
              --group NAME       the sync group (its changes topic is <group>.changes)
              --site ID          the site whose dead-letter topic to replay
              --topic NAME       the dead-letter topic, if not <group>.dlq.<site>

            Exit codes: 0 replayed, 2 wrong command line, 3 failed
            """;

    /** How long reading the dead-letter topic to its end may take before the command gives up. */
    private static final Duration DEADLINE = Duration.ofMinutes(10);

    private final PrintStream out;

    ReplayCommand(PrintStream out) {
        this.out = out;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("kafka", "group", "site", "topic"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        for (String required : List.of("kafka", "group", "site")) {
            if (!line.has(required)) {
                throw new CommandLine.UsageException("--" + required + " is required");
            }
        }
        SyncGroupNames names = SyncGroupNames.of(line.get("group", ""));
        String dlq = line.get("topic", names.deadLetterTopic(line.get("site", "")));
        String changes = names.changesTopic();
        DeadLetterReplay.Result result = new DeadLetterReplay(KafkaSettings.of(line.get("kafka", "")))
                .replay(dlq, changes, DEADLINE);
        if (!result.topicExists()) {
            out.println("replayed 0 changes: topic " + dlq + " does not exist (nothing was set aside)");
            return ExitCode.OK;
        }
        out.println("replayed " + result.replayed() + " changes from " + dlq + " onto " + changes + " ("
                + result.left() + " records that are not change envelopes left alone)");
        return ExitCode.OK;
    }
}
