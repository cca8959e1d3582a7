package io.syncline.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the folders the embedded services leave behind.
 *
 * <pre>{@code
 * FileTree.deleteQuietly(dataDir);
 * }</pre>
 */
public final class FileTree {

    private static final Logger LOG = LoggerFactory.getLogger(FileTree.class);

    private FileTree() {
    }

    /** Deletes {@code root} and everything below it; a failure is logged, not thrown. */
    public static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete {} ({}); remove it by hand", root, e.toString());
        }
    }
}
