package io.syncline.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * House rule 1, for the whole repository: dependencies point one way, connector -> conflict ->
 * sync-core. sync-core knows nothing of Kafka, Debezium or Ratis; conflict never reaches into the
 * connector or the Connect runtime; and the plugin packages, which run inside someone else's worker
 * from an archive that ships neither the Connect runtime, nor the broker, nor Syncline's embedded
 * stack and CLI, do not reach for any of them. This module's tests see every module's sources, so
 * the rules live here, once. Imports and fully-qualified names are scanned; comments and string
 * literals are ignored (a class name in a config value is not a dependency).
 */
class LayeringTest {

    private static final Path SYNC_CORE = Path.of("..", "sync-core", "src", "main", "java");
    private static final Path CONFLICT = Path.of("..", "conflict", "src", "main", "java");
    private static final Path CONNECTOR = Path.of("src", "main", "java", "io", "syncline", "connector");

    private static final List<String> PLUGIN_PACKAGES = List.of("source", "sink", "config", "metrics", "rest");

    /** The broker's own packages start at the top: {@code kafka.server}, {@code kafka.log}, ... */
    private static final Pattern BROKER_IMPORT = Pattern.compile("(?m)^\\s*import\\s+(static\\s+)?kafka\\.");

    @Test
    void syncCoreReferencesNoOuterLayer() {
        assertThat(violations(sources(SYNC_CORE), List.of("org.apache.kafka", "io.debezium", "org.apache.ratis",
                "io.syncline.conflict", "io.syncline.connector"))).as("sync-core must not depend on these").isEmpty();
    }

    @Test
    void conflictReferencesNeitherConnectorNorConnectRuntime() {
        assertThat(violations(sources(CONFLICT), List.of("io.syncline.connector", "org.apache.kafka.connect.runtime")))
                .as("conflict must not depend on these").isEmpty();
    }

    @Test
    void pluginPackagesDoNotNeedWhatThePluginArchiveLacks() {
        List<Path> files = new ArrayList<>();
        for (String pkg : PLUGIN_PACKAGES) {
            files.addAll(sources(CONNECTOR.resolve(pkg)));
        }
        List<String> violations = violations(files, List.of("io.syncline.connector.embedded",
                "io.syncline.connector.cli", "org.apache.kafka.connect.runtime", "org.apache.logging.log4j"));
        for (Path file : files) {
            if (BROKER_IMPORT.matcher(codeOnly(read(file))).find()) {
                violations.add(file + " imports the broker (kafka.*)");
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void scannerFindsImportsAndQualifiedNamesOnly() {
        String code = codeOnly("""
                import kafka.server.KafkaConfig;
                // io.syncline.connector.cli in a comment
                /* org.apache.ratis in a block comment */ char c = '"';
                String s = "org.apache.kafka.connect.runtime.Worker";
                io.syncline.connector.embedded.FreePort p;
                """);
        assertThat(BROKER_IMPORT.matcher(code).find()).isTrue();
        assertThat(code).doesNotContain("connector.cli").doesNotContain("runtime").doesNotContain("ratis")
                .containsOnlyOnce("io.syncline.connector.embedded");
    }

    private static List<Path> sources(Path folder) {
        assertThat(folder).as(folder.toAbsolutePath().toString()).isDirectory();
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> files = walk.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(files).as("java sources under " + folder.toAbsolutePath()).isNotEmpty();
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> violations(List<Path> files, List<String> forbidden) {
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            String code = codeOnly(read(file));
            for (String pkg : forbidden) {
                Matcher m = Pattern.compile("(?<![\\w.])" + Pattern.quote(pkg) + "(?![\\w])").matcher(code);
                while (m.find()) {
                    int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                    found.add(file + ":" + line + " refers to " + pkg);
                }
            }
        }
        return found;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The source with comments and string, text-block and char literals blanked; line breaks kept. */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                end = Math.min(n, j + 1);
            } else {
                out.append(c);
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(source.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }
}
