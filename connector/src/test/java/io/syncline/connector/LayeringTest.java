package io.syncline.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.SourceReferences;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * House rule 1 for the plugin: its code runs inside someone else's worker from an archive that ships
 * neither the Connect runtime, nor the broker, nor a logging backend, nor Syncline's tools and test kit,
 * so it reaches for none of them. {@link PluginArchiveIT} checks the archive itself.
 */
class LayeringTest {

    @Test
    void pluginCodeDoesNotNeedWhatThePluginArchiveLacks() {
        SourceReferences plugin = SourceReferences.of(Path.of("src", "main", "java"));
        List<String> violations = new ArrayList<>(plugin.to(List.of("io.syncline.tools", "io.syncline.testkit",
                "org.apache.kafka.connect.runtime", "org.apache.logging.log4j")));
        violations.addAll(plugin.toTheBroker());
        assertThat(violations).isEmpty();
    }
}
