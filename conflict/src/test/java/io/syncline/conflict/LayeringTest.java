package io.syncline.conflict;

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
 * House rule 1: connector -> conflict -> sync-core. The conflict module never reaches up into the
 * connector, nor into the Connect runtime (the plugin archive does not ship it). Imports and
 * fully-qualified names are scanned; comments and string literals are ignored.
 */
class LayeringTest {

    private static final List<String> FORBIDDEN = List.of("io.syncline.connector", "org.apache.kafka.connect.runtime");

    @Test
    void conflictReferencesNeitherConnectorNorConnectRuntime() throws IOException {
        Path sources = Path.of("src", "main", "java");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).as("java sources under " + sources.toAbsolutePath()).isNotEmpty();
        List<String> violations = new ArrayList<>();
        for (Path file : files) {
            String code = codeOnly(Files.readString(file));
            for (String pkg : FORBIDDEN) {
                Matcher m = Pattern.compile("(?<![\\w.])" + Pattern.quote(pkg) + "(?![\\w])").matcher(code);
                while (m.find()) {
                    violations.add(file + " refers to " + pkg);
                }
            }
        }
        assertThat(violations).as("conflict must not depend on these packages").isEmpty();
    }

    @Test
    void scannerIgnoresCommentsAndStrings() {
        String code = codeOnly("""
                // io.syncline.connector
                /* org.apache.kafka.connect.runtime */ String s = "io.syncline.connector"; char c = '"';
                io.syncline.connector.X x;
                """);
        assertThat(code).doesNotContain("runtime").containsOnlyOnce("io.syncline.connector");
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
