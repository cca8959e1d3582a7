package io.syncline.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.SourceReferences;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** House rule 1 for conflict: it sees sync-core only, never the plugin, the tools or Connect's runtime. */
class LayeringTest {

    @Test
    void conflictReferencesNeitherConnectorNorToolsNorConnectRuntime() {
        assertThat(SourceReferences.of(Path.of("src", "main", "java")).to(List.of("io.syncline.connector",
                "io.syncline.tools", "io.syncline.testkit", "org.apache.kafka.connect.runtime")))
                .as("conflict must not depend on these").isEmpty();
    }
}
