package io.syncline.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin packages run inside someone else's Connect worker, from an archive that ships
 * neither the Connect runtime, nor the broker, nor Syncline's own embedded stack and CLI; so they
 * must not reach for any of them. Imports and fully-qualified names are scanned; comments and
 * string literals are ignored (a class name in a config value is not a dependency).
 */
class LayeringTest {

    private static final List<String> PLUGIN_PACKAGES = List.of("source", "sink", "config", "metrics", "rest");

    private static final List<String> FORBIDDEN = List.of(
            "io.syncline.connector.embedded",
            "io.syncline.connector.cli",
            "org.apache.kafka.connect.runtime",
            "org.apache.logging.log4j");

    /** The broker's own packages start at the top: {@code kafka.server}, {@code kafka.log}, ... */
    private static final Pattern BROKER_IMPORT = Pattern.compile("(?m)^\\s*import\\s+(static\\s+)?kafka\\.");

    @Test
    void pluginPackagesDoNotNeedWhatThePluginArchiveLacks() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        for (String pkg : PLUGIN_PACKAGES) {
            Path folder = Path.of("src", "main", "java", "io", "syncline", "connector", pkg);
            assertThat(folder).as(folder.toAbsolutePath().toString()).isDirectory();
            List<Path> sources;
            try (Stream<Path> walk = Files.walk(folder)) {
                sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            files += sources.size();
            for (Path file : sources) {
                String code = codeOnly(Files.readString(file));
                for (String forbidden : FORBIDDEN) {
                    Matcher m = Pattern.compile("(?<![\\w.])" + Pattern.quote(forbidden) + "(?![\\w])").matcher(code);
                    while (m.find()) {
                        violations.add(file + " refers to " + forbidden);
                    }
                }
                if (BROKER_IMPORT.matcher(code).find()) {
                    violations.add(file + " imports the broker (kafka.*)");
                }
            }
        }
        assertThat(files).as("plugin sources").isPositive();
        assertThat(violations).isEmpty();
    }

    @Test
    void scannerFindsImportsAndQualifiedNamesOnly() {
        String code = codeOnly("""
                import kafka.server.KafkaConfig;
                // io.syncline.connector.cli in a comment
                String s = "org.apache.kafka.connect.runtime.Worker";
                io.syncline.connector.embedded.FreePort p;
                """);
        assertThat(BROKER_IMPORT.matcher(code).find()).isTrue();
        assertThat(code).doesNotContain("connector.cli").doesNotContain("runtime").contains("io.syncline.connector.embedded");
    }

    /** The source with comments and string, text-block and char literals blanked. */
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
