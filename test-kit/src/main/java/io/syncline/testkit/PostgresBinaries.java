package io.syncline.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The installed PostgreSQL server programs, run as the {@code postgres} OS user when this JVM
 * runs as root (the server refuses to run as root).
 *
 * <pre>{@code
 * PostgresBinaries bin = PostgresBinaries.find();
 * bin.run(Duration.ofSeconds(60), "initdb", "-D", dataDir.toString());
 * }</pre>
 */
final class PostgresBinaries {

    static final String OS_USER = "postgres";
    private static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");

    private final Path binDir;
    private final boolean asRoot;

    private PostgresBinaries(Path binDir, boolean asRoot) {
        this.binDir = binDir;
        this.asRoot = asRoot;
    }

    /**
     * Finds the newest installed server: the newest {@code /usr/lib/postgresql/<version>/bin},
     * else {@code pg_config --bindir} if it holds {@code initdb}.
     *
     * @throws IllegalStateException if no server is installed
     */
    static PostgresBinaries find() {
        Path binDir = newestUnderInstallRoot()
                .or(PostgresBinaries::fromPgConfig)
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server found (no initdb in "
                        + INSTALL_ROOT + "/*/bin nor in pg_config --bindir); install the postgresql package"));
        return new PostgresBinaries(binDir, isRoot());
    }

    Path binDir() {
        return binDir;
    }

    /** Runs a server program from {@link #binDir()}, as {@code postgres} when we are root. */
    String run(Duration timeout, String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(binDir.resolve(program).toString());
        command.addAll(List.of(args));
        return ProcessRunner.run(timeout, command);
    }

    /**
     * Hands {@code dir} to the OS user the server runs as and makes sure that user can reach it
     * through {@code workDir}; does nothing when we are not root.
     */
    void handOver(Path workDir, Path dir) throws IOException {
        if (!asRoot) {
            return;
        }
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.setOwner(path, users.lookupPrincipalByName(OS_USER));
            }
        }
        // A folder made by Files.createTempDirectory is rwx------: let the server pass through it.
        Path top = workDir.toAbsolutePath();
        for (Path folder = dir.getParent(); folder != null; folder = folder.getParent()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
            if (folder.startsWith(top)) {
                if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
                    Files.setPosixFilePermissions(folder, permissions);
                }
            } else if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("PostgreSQL runs as OS user " + OS_USER + ", which cannot enter "
                        + folder + " (no x permission for others); choose a work dir under /tmp");
            }
        }
    }

    private static Optional<Path> newestUnderInstallRoot() {
        if (!Files.isDirectory(INSTALL_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(INSTALL_ROOT)) {
            return versions
                    .filter(version -> Files.isExecutable(version.resolve("bin/initdb")))
                    .max(Comparator.comparing(PostgresBinaries::majorVersion))
                    .map(version -> version.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> fromPgConfig() {
        try {
            Path binDir = Path.of(ProcessRunner.run(Duration.ofSeconds(10), List.of("pg_config", "--bindir")).strip());
            return Files.isExecutable(binDir.resolve("initdb")) ? Optional.of(binDir) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString().split("\\.")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
