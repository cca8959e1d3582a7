package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedConnectIT {

    private static final String POSTGRES_CONNECTOR = "io.debezium.connector.postgresql.PostgresConnector";

    @TempDir
    Path workDir;

    @Test
    void startsWorkerWhoseRestApiListsAndValidatesPlugins() throws Exception {
        Path pluginDir = Files.createDirectories(workDir.resolve("plugins"));
        long kafkaStartedAt = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"))) {
            System.out.printf("EmbeddedKafka start-up: %d ms%n", EmbeddedKafka.elapsedMillis(kafkaStartedAt));
            long connectStartedAt = System.nanoTime();
            try (EmbeddedConnect connect = EmbeddedConnect.start(kafka.bootstrapServers(), pluginDir, Map.of())) {
                System.out.printf("EmbeddedConnect start-up: %d ms%n", EmbeddedKafka.elapsedMillis(connectStartedAt));
                ConnectRestClient rest = connect.restClient();
                assertThat(connect.restUrl()).startsWith("http://127.0.0.1:");

                List<String> plugins = rest.connectorPlugins();
                System.out.println("Connector plugins: " + plugins);
                assertThat(plugins).contains(POSTGRES_CONNECTOR);
                assertThat(rest.connectors()).isEmpty();

                JsonNode validation = rest.validate("PostgresConnector", Map.of(
                        "name", "east-capture",
                        "connector.class", POSTGRES_CONNECTOR,
                        "topic.prefix", "east",
                        "database.port", "not-a-number"));
                assertThat(validation.path("name").asText()).isEqualTo(POSTGRES_CONNECTOR);
                assertThat(validation.path("error_count").asInt()).isPositive();
                Map<String, List<String>> errors = ConnectRestClient.errorsByField(validation);
                System.out.println("Validation errors: " + errors);
                assertThat(errors).containsKey("database.port").doesNotContainKey("topic.prefix");

                assertThatThrownBy(() -> rest.connectorState("missing"))
                        .isInstanceOfSatisfying(ConnectRestClient.ConnectRestException.class,
                                e -> assertThat(e.status()).isEqualTo(404));
            }
        }
    }
}
