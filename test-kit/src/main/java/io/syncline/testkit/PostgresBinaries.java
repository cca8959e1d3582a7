package io.syncline.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The PostgreSQL server programs, run as the {@code postgres} OS user when this JVM runs as root
 * (the server refuses to run as root): an installed server ({@code /usr/lib/postgresql/<major>}, as
 * Debian installs it), or the one bundled on the classpath ({@link BundledPostgres}, e.g. 17 from
 * Maven Central), unpacked once per machine.
 *
 * <pre>{@code
 * PostgresBinaries bin = PostgresBinaries.find(17);
 * bin.run(Duration.ofSeconds(60), "initdb", "-D", dataDir.toString());
 * }</pre>
 */
final class PostgresBinaries {

    static final String OS_USER = "postgres";
    static final ServerFolders FOLDERS = ServerFolders.forUser(OS_USER, "PostgreSQL");
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
                .or(() -> BundledPostgres.onClasspath().map(BundledPostgres::binDir))
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server found (no initdb in "
                        + INSTALL_ROOT + "/*/bin nor in pg_config --bindir); install the postgresql package"));
        return new PostgresBinaries(binDir, FOLDERS.asRoot());
    }

    /**
     * Finds a server of one major version: installed under {@code /usr/lib/postgresql/<major>}, else
     * the bundled one if it is that version; {@code 0} means {@link #find()}.
     *
     * @throws IllegalStateException if there is none, saying what to install
     */
    static PostgresBinaries find(int major) {
        if (major == 0) {
            return find();
        }
        Path installed = INSTALL_ROOT.resolve(Integer.toString(major)).resolve("bin");
        if (Files.isExecutable(installed.resolve("initdb"))) {
            return new PostgresBinaries(installed, FOLDERS.asRoot());
        }
        Optional<BundledPostgres> bundled = BundledPostgres.onClasspath();
        if (bundled.isPresent() && bundled.get().major() == major) {
            return new PostgresBinaries(bundled.get().binDir(), FOLDERS.asRoot());
        }
        throw new IllegalStateException("no PostgreSQL " + major + " server: none installed in " + installed
                + (bundled.isPresent() ? " and the bundled one is " + bundled.get().version()
                        + " (build with -Dpostgres.bundled.version=" + major + ".x.y, e.g. -Ppostgres16)"
                        : " and none is bundled on the classpath")
                + "; install postgresql-" + major + " or choose another version");
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

    /** See {@link ServerFolders#handOver}: to the {@code postgres} OS user when we are root. */
    void handOver(Path workDir, Path dir) throws IOException {
        FOLDERS.handOver(workDir, dir);
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
}
