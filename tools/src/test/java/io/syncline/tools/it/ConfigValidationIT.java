package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.testkit.ConnectRestClient;
import io.syncline.tools.embedded.ConnectorTemplate;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connect's validate endpoint on a real worker answers every configuration problem per field,
 * including the live checks against a real PostgreSQL site; every sample under config-samples/
 * validates clean once its placeholders are filled.
 */
class ConfigValidationIT {

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("v:postgres").withGroup("validation"));
        stack.applySql("""
                CREATE TABLE public.good (id bigint PRIMARY KEY, name text);
                CREATE TABLE public.no_key (id bigint, name text);
                CREATE TABLE public.orders (id bigint PRIMARY KEY, status text);
                CREATE TABLE public.stock (sku text PRIMARY KEY, quantity bigint NOT NULL);
                CREATE TABLE public.customers (id uuid PRIMARY KEY, name text, email text);
                """);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyConfigSampleValidatesCleanAgainstARealWorker() throws IOException {
        List<Path> samples;
        try (Stream<Path> files = Files.walk(EmbeddedStack.defaultConfigSamples())) {
            // standalone/ holds site files of syncline run, not connector bodies (StandaloneConfigTest checks them).
            samples = files.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> !p.startsWith(EmbeddedStack.defaultConfigSamples().resolve("standalone"))).sorted().toList();
        }
        assertThat(samples).as("connector samples").hasSizeGreaterThanOrEqualTo(8);
        for (Path sample : samples) {
            ConnectorTemplate template = ConnectorTemplate.load(sample,
                    stack.templateValues("v", List.of("public.good")));
            Map<String, List<String>> errors = validate(template.config(), template.name());
            assertThat(errors).as("validation errors of %s", sample.getFileName()).isEmpty();
        }
    }

    @Test
    void tableWithoutPrimaryKeyIsRejectedOnTheTableField() {
        for (ConnectorTemplate template : templates("public.no_key")) {
            Map<String, List<String>> errors = validate(template.config(), template.name());
            assertThat(errors).containsOnlyKeys("table.include.list");
            assertThat(errors.get("table.include.list")).singleElement().asString()
                    .contains("public.no_key has no primary key");
        }
    }

    @Test
    void unknownTableIsRejectedOnTheTableField() {
        for (ConnectorTemplate template : templates("public.good,public.nowhere")) {
            Map<String, List<String>> errors = validate(template.config(), template.name());
            assertThat(errors).containsOnlyKeys("table.include.list");
            assertThat(errors.get("table.include.list")).singleElement().asString()
                    .contains("public.nowhere does not exist");
        }
    }

    @Test
    void wrongPasswordIsRejectedOnThePasswordFieldAndNeverEchoed() {
        String wrong = "not-the-password-" + System.nanoTime();
        for (ConnectorTemplate template : templates("public.good")) {
            Map<String, String> config = new HashMap<>(template.config());
            config.put("database.password", wrong);
            JsonNode answer = stack.rest().validate(config.get("connector.class"), withName(config, template.name()));
            Map<String, List<String>> errors = ConnectRestClient.errorsByField(answer);
            assertThat(errors).containsOnlyKeys("database.password");
            assertThat(errors.get("database.password")).singleElement().asString()
                    .contains("password authentication failed");
            assertThat(answer.toString()).as("validate answer").doesNotContain(wrong);
        }
    }

    @Test
    void staticProblemsAreReportedPerFieldAllAtOnce() {
        for (ConnectorTemplate template : templates("public.good")) {
            Map<String, String> config = new HashMap<>(template.config());
            config.put("site.id", "Not A Site!");
            config.put("database.port", "70000");
            config.remove("database.dbname");
            Map<String, List<String>> errors = validate(config, template.name());
            assertThat(errors).containsOnlyKeys("site.id", "database.port", "database.dbname");
            assertThat(errors.get("site.id")).singleElement().asString().contains("site id 'Not A Site!' is invalid");
        }
    }

    @Test
    void coordinatorBlocksWithoutACoordinatorOrAtAMariaDbSiteAreRejectedOnTheKind() {
        Map<String, String> config = new HashMap<>(stack.sourceConnector("v", List.of("public.good")).config());
        config.put("keys.kind", "coordinator-blocks");
        config.remove("coordinator.peers");
        Map<String, List<String>> errors = validate(config, "blocks-without-coordinator");
        assertThat(errors).containsOnlyKeys("keys.kind");
        assertThat(errors.get("keys.kind")).singleElement().asString().contains("coordinator.peers is not set");

        config.put("coordinator.peers", "n1=127.0.0.1:9870");
        config.put("database.engine", "mariadb");
        config.put("database.port", "1");
        errors = validate(config, "blocks-at-mariadb");
        assertThat(errors).containsKey("keys.kind");
        assertThat(errors.get("keys.kind")).singleElement().asString()
                .contains("AUTO_INCREMENT cannot be bounded").contains("use interleaved");
    }

    private static List<ConnectorTemplate> templates(String tables) {
        List<String> names = List.of(tables.split(","));
        return List.of(stack.sourceConnector("v", names), stack.sinkConnector("v", names));
    }

    private static Map<String, List<String>> validate(Map<String, String> config, String name) {
        return ConnectRestClient.errorsByField(stack.rest().validate(config.get("connector.class"),
                withName(config, name)));
    }

    private static Map<String, String> withName(Map<String, String> config, String name) {
        Map<String, String> named = new HashMap<>(config);
        named.put("name", name);
        return named;
    }
}
