package io.syncline.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.SourceReferences;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * House rule 1 for the tools: the top layer may use every module, but the protocol parts of the
 * commands (verification, repair, tombstone collection) do not start servers: only the embedded stack
 * and the commands that run it reach for the test kit's launchers.
 */
class LayeringTest {

    private static final Path TOOLS = Path.of("src", "main", "java", "io", "syncline", "tools");

    /** The launchers of real servers: only the embedded stack, the bench and the demo start them. */
    private static final List<String> LAUNCHERS = List.of("io.syncline.testkit.PostgresServer",
            "io.syncline.testkit.MariaDbServer", "io.syncline.testkit.EmbeddedKafka", "io.syncline.testkit.EmbeddedConnect",
            "io.syncline.testkit.ConnectWorkerProcess", "io.syncline.testkit.ChildJvm", "io.syncline.testkit.SiteServer",
            "io.syncline.tools.embedded");

    @Test
    void theMeshProtocolsOfTheCommandsStartNoServer() {
        List<Path> files = SourceReferences.of(TOOLS.resolve("cli")).files().stream().filter(p -> p.getFileName().toString()
                .matches("(MeshVerification|CrossEngineVerification|MeshRepair|TombstoneCollection|TombstoneCandidates"
                        + "|MeshDescription|ShapeDifference|TableVerdict|ChunkSql|KeyRange)\\.java")).toList();
        assertThat(files).hasSize(10);
        assertThat(SourceReferences.of(files.toArray(Path[]::new)).to(LAUNCHERS)).isEmpty();
    }

    @Test
    void standaloneModeRunsWithoutTheEmbeddedStack() {
        assertThat(SourceReferences.of(TOOLS.resolve("standalone")).to(List.of("io.syncline.tools.embedded",
                "io.syncline.testkit", "io.syncline.tools.cli"))).isEmpty();
    }
}
