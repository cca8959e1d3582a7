package io.syncline.tools.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorTemplateTest {

    /** Every placeholder the embedded stack and the docs know how to fill. */
    private static final Set<String> KNOWN = Set.of("group", "site", "tables", "host", "port", "database", "user",
            "password");

    private static final Pattern ANY_PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file;
    }

    private static Map<String, String> allValues() {
        Map<String, String> values = new HashMap<>();
        for (String key : KNOWN) {
            values.put(key, "v-" + key);
        }
        return values;
    }

    @Test
    void fillsPlaceholdersInNameAndConfig() throws IOException {
        Path file = write("c.json", """
                {"name": "syncline-${group}-${site}-source",
                 "config": {"connector.class": "x.Y", "topics": "${group}.changes", "tasks.max": 2,
                            "database.password": "${password}", "plain": "no placeholders"}}
                """);
        ConnectorTemplate t = ConnectorTemplate.load(file, Map.of("group", "orders", "site", "east",
                "password", "pa$$w\\rd ${not-expanded}"));
        assertThat(t.name()).isEqualTo("syncline-orders-east-source");
        assertThat(t.config()).containsEntry("topics", "orders.changes")
                .containsEntry("tasks.max", "2")
                .containsEntry("plain", "no placeholders")
                .containsEntry("connector.class", "x.Y")
                // Replacement text is literal: no $-group references, no recursive filling.
                .containsEntry("database.password", "pa$$w\\rd ${not-expanded}");
    }

    @Test
    void aPlaceholderWithoutValueIsNamedWithTheFile() throws IOException {
        Path file = write("sink.json", """
                {"name": "n", "config": {"site.id": "${site}"}}
                """);
        assertThatThrownBy(() -> ConnectorTemplate.load(file, Map.of("group", "g")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " uses ${site}, which has no value here");
        Path inName = write("name.json", """
                {"name": "n-${group}", "config": {}}
                """);
        assertThatThrownBy(() -> ConnectorTemplate.load(inName, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("${group}");
    }

    @Test
    void aFileThatIsNotAConnectorBodyIsRefused() throws IOException {
        for (String json : List.of("{\"config\": {}}", "{\"name\": \"n\"}", "{\"name\": \"n\", \"config\": \"x\"}",
                "{\"name\": 7, \"config\": {}}", "[1, 2]", "{\"connector.class\": \"a.B\"}")) {
            Path file = write("bad.json", json);
            assertThatThrownBy(() -> ConnectorTemplate.load(file, Map.of()))
                    .as(json)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(file + " is not a connector body: it needs \"name\" and \"config\"");
        }
    }

    @Test
    void unreadableJsonIsAnIoError() throws IOException {
        Path file = write("broken.json", "{\"name\": ");
        assertThatThrownBy(() -> ConnectorTemplate.load(file, Map.of()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("broken.json");
        assertThatThrownBy(() -> ConnectorTemplate.load(dir.resolve("missing.json"), Map.of()))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void withReplacesAndAddsKeysAndLeavesTheOriginal() throws IOException {
        ConnectorTemplate t = ConnectorTemplate.load(write("c.json", """
                {"name": "n", "config": {"a": "1", "b": "2"}}
                """), Map.of());
        ConnectorTemplate changed = t.with(Map.of("b", "3", "c", "4"));
        assertThat(changed.name()).isEqualTo("n");
        assertThat(changed.config()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "3", "c", "4"));
        assertThat(t.config()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
        assertThatThrownBy(() -> t.config().put("d", "5")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- the real samples ------------------------------------------------------------------------

    private static List<Path> samples() throws IOException {
        Path folder = Path.of("..", "config-samples");
        assertThat(folder).as(folder.toAbsolutePath().toString()).isDirectory();
        List<Path> files;
        try (Stream<Path> list = Files.walk(folder)) {
            files = list.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> !p.startsWith(folder.resolve("standalone"))).sorted().toList();
        }
        assertThat(files).as("connector samples in " + folder.toAbsolutePath()).isNotEmpty();
        return files;
    }

    @Test
    void samplesUseOnlyKnownPlaceholders() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (Path file : samples()) {
            Matcher m = ANY_PLACEHOLDER.matcher(Files.readString(file));
            Set<String> seen = new TreeSet<>();
            while (m.find()) {
                seen.add(m.group(1));
            }
            for (String name : seen) {
                if (!KNOWN.contains(name)) {
                    unknown.add(file.getFileName() + ": ${" + name + "}");
                }
            }
        }
        assertThat(unknown).as("placeholders other than " + new TreeSet<>(KNOWN)).isEmpty();
    }

    @Test
    void samplesLoadAndNameRealConnectorClasses() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (Path file : samples()) {
            JsonNode root = json.readTree(file.toFile());
            assertThat(root.path("name").isTextual()).as(file + ": name").isTrue();
            assertThat(root.path("config").path("connector.class").isTextual()).as(file + ": config.connector.class")
                    .isTrue();

            ConnectorTemplate t = ConnectorTemplate.load(file, allValues());
            assertThat(t.name()).as(file + ": name").isNotBlank().doesNotContain("${");
            assertThat(t.config().values()).as(file + ": every placeholder filled").noneMatch(v -> v.contains("${"));

            String connectorClass = t.config().get("connector.class");
            Class<?> type = Class.forName(connectorClass);
            assertThat(Connector.class).as(file + ": " + connectorClass + " is a Connect connector")
                    .isAssignableFrom(type);
            for (Map.Entry<String, String> e : t.config().entrySet()) {
                if (e.getKey().endsWith(".converter") || e.getKey().endsWith(".class")) {
                    assertThat(Class.forName(e.getValue())).as(file + ": " + e.getKey()).isNotNull();
                }
            }
        }
    }
}
