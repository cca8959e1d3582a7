package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What Java sources refer to, for the layering tests every module keeps: imports and fully-qualified
 * names are found; comments and string, text-block and char literals are not (a class name in a config
 * value is not a dependency).
 *
 * <pre>{@code
 * List<String> found = SourceReferences.of(Path.of("src/main/java"))
 *         .to(List.of("org.apache.ratis", "io.syncline.connector"));
 * assertThat(found).isEmpty();   // each entry: file:line refers to package
 * }</pre>
 */
public final class SourceReferences {

    /** The broker's own packages start at the top: {@code kafka.server}, {@code kafka.log}, ... */
    private static final Pattern BROKER_IMPORT = Pattern.compile("(?m)^\\s*import\\s+(static\\s+)?kafka\\.");

    private final List<Path> files;

    private SourceReferences(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /**
     * The {@code .java} files under the folders, and the {@code .java} files named.
     *
     * @throws IllegalArgumentException when a folder or file is missing or a folder holds no Java source (a
     *     layering rule that scans nothing would pass for the wrong reason)
     */
    public static SourceReferences of(Path... folders) {
        List<Path> files = new ArrayList<>();
        for (Path folder : folders) {
            if (Files.isRegularFile(folder) && folder.toString().endsWith(".java")) {
                files.add(folder);
                continue;
            }
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("no folder " + folder.toAbsolutePath());
            }
            try (Stream<Path> walk = Files.walk(folder)) {
                List<Path> found = walk.filter(p -> p.toString().endsWith(".java")).toList();
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("no Java sources under " + folder.toAbsolutePath());
                }
                files.addAll(found);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new SourceReferences(files);
    }

    /** The files scanned. */
    public List<Path> files() {
        return files;
    }

    /** Every reference to one of the packages (or a package below one), as {@code file:line refers to pkg}. */
    public List<String> to(List<String> packages) {
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            String code = codeOnly(read(file));
            for (String pkg : packages) {
                Matcher m = Pattern.compile("(?<![\\w.])" + Pattern.quote(pkg) + "(?![\\w])").matcher(code);
                while (m.find()) {
                    found.add(file + ":" + lineOf(code, m.start()) + " refers to " + pkg);
                }
            }
        }
        return found;
    }

    /** The files that import the Kafka broker ({@code kafka.*}), which no Connect plugin may need. */
    public List<String> toTheBroker() {
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            Matcher m = BROKER_IMPORT.matcher(codeOnly(read(file)));
            if (m.find()) {
                found.add(file + " imports the broker (kafka.*)");
            }
        }
        return found;
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
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
