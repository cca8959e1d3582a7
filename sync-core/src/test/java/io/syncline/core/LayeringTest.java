package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.SourceReferences;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * House rule 1 for sync-core, the bottom layer: it knows nothing of Kafka, Debezium or Ratis, nor of
 * any module above it.
 */
class LayeringTest {

    @Test
    void syncCoreReferencesNoOuterLayer() {
        assertThat(SourceReferences.of(Path.of("src", "main", "java")).to(List.of("org.apache.kafka", "io.debezium",
                "org.apache.ratis", "io.syncline.conflict", "io.syncline.connector", "io.syncline.tools",
                "io.syncline.testkit"))).as("sync-core must not depend on these").isEmpty();
    }
}
