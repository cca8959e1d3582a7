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

    @Test
    void standaloneModeRunsWithoutTheEmbeddedStack() {
        assertThat(SourceReferences.of(TOOLS.resolve("standalone")).to(List.of("io.syncline.tools.embedded",
                "io.syncline.testkit", "io.syncline.tools.cli"))).isEmpty();
    }
}
