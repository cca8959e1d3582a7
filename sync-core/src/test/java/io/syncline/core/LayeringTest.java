package io.syncline.core;

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
 * House rule 1: dependencies point one way, connector -> conflict -> sync-core, and sync-core
 * knows nothing of Kafka Connect, Debezium or Ratis. A plain scan of the sources, imports and
 * fully-qualified names alike (comments and string literals are ignored).
 */
class LayeringTest {

    private static final List<String> FORBIDDEN = List.of(
            "org.apache.kafka", "io.debezium", "org.apache.ratis", "io.syncline.conflict", "io.syncline.connector");

    @Test
    void syncCoreReferencesNoOuterLayer() throws IOException {
        Path sources = Path.of("src", "main", "java");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).as("java sources under " + sources.toAbsolutePath()).isNotEmpty();
        List<String> violations = new ArrayList<>();
        for (Path file : files) {
            violations.addAll(references(file, FORBIDDEN));
        }
        assertThat(violations).as("sync-core must not depend on these packages").isEmpty();
    }

    @Test
    void scannerSeesImportsAndQualifiedNamesButNotCommentsOrStrings() throws IOException {
        Path file = Files.createTempFile("Layering", ".java");
        try {
            Files.writeString(file, """
                    import org.apache.kafka.connect.data.Struct;
                    // io.debezium in a comment
                    /* org.apache.ratis in a block comment */
                    class X { String s = "io.syncline.connector in a string"; Object o = new io.syncline.conflict.Y(); }
                    """);
            assertThat(references(file, FORBIDDEN)).hasSize(2)
                    .anySatisfy(v -> assertThat(v).contains("org.apache.kafka"))
                    .anySatisfy(v -> assertThat(v).contains("io.syncline.conflict"));
        } finally {
            Files.delete(file);
        }
    }

    static List<String> references(Path file, List<String> packages) {
        String code;
        try {
            code = codeOnly(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> found = new ArrayList<>();
        for (String pkg : packages) {
            Matcher m = Pattern.compile("(?<![\\w.])" + Pattern.quote(pkg) + "(?![\\w])").matcher(code);
            while (m.find()) {
                int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                found.add(file + ":" + line + " refers to " + pkg);
            }
        }
        return found;
    }

    /** The source with comments and string, text-block and char literals blanked; line breaks kept. */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(source, i, end, out);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                blank(source, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 1);
                blank(source, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String source, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
    }
}
