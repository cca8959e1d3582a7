package io.syncline.connector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void configurationReferenceMatchesTheConnectorDefinitions() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        assertThat(Files.readString(doc))
                .as("docs/configuration.md is stale: regenerate it with bin/syncline config-docs > docs/configuration.md")
                .isEqualTo(ConfigDocs.markdown());
    }
}
