package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceReferencesTest {

    @TempDir
    Path dir;

    @Test
    void scannerFindsImportsAndQualifiedNamesOnly() throws Exception {
        Files.writeString(dir.resolve("A.java"), """
                import kafka.server.KafkaConfig;
                // io.syncline.tools.cli in a comment
                /* org.apache.ratis in a block comment */ char c = '"';
                String s = "org.apache.kafka.connect.runtime.Worker";
                io.syncline.tools.embedded.EmbeddedStack p;
                """);
        SourceReferences sources = SourceReferences.of(dir);
        assertThat(sources.toTheBroker()).hasSize(1);
        assertThat(sources.to(List.of("io.syncline.tools.cli", "org.apache.ratis", "org.apache.kafka.connect.runtime")))
                .isEmpty();
        assertThat(sources.to(List.of("io.syncline.tools.embedded", "io.syncline.tools")))
                .containsExactly(dir.resolve("A.java") + ":5 refers to io.syncline.tools.embedded",
                        dir.resolve("A.java") + ":5 refers to io.syncline.tools");
        assertThat(sources.to(List.of("io.syncline.tool"))).as("a package prefix is not a package").isEmpty();
    }

    @Test
    void aFolderWithoutSourcesIsRefused() {
        assertThatThrownBy(() -> SourceReferences.of(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Java sources");
    }
}
