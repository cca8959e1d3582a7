package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** House rule 1 for the test kit: it starts real servers and knows nothing of Syncline. */
class LayeringTest {

    @Test
    void testKitReferencesNoSynclineModule() {
        assertThat(SourceReferences.of(Path.of("src", "main", "java")).to(List.of("io.syncline.core",
                "io.syncline.conflict", "io.syncline.connector", "io.syncline.tools"))).isEmpty();
    }
}
