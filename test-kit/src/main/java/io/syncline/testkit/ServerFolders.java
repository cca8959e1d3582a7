package io.syncline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What every private database server of the kit needs from the machine: its own folders, a password,
 * and, when we run as root, the hand-over of its data to the OS user the server insists on running as.
 *
 * <pre>{@code
 * ServerFolders folders = ServerFolders.forUser("postgres", "PostgreSQL");
 * Path dir = folders.create(workDir, "postgres-");
 * folders.handOver(workDir, dir);
 * }</pre>
 */
final class ServerFolders {

    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final String osUser;
    private final String server;
    private final boolean asRoot;

    private ServerFolders(String osUser, String server, boolean asRoot) {
        this.osUser = osUser;
        this.server = server;
        this.asRoot = asRoot;
    }

    /** Folders of a server (named {@code server} in messages) that runs as {@code osUser} when we are root. */
    static ServerFolders forUser(String osUser, String server) {
        return new ServerFolders(osUser, server, isRoot());
    }

    /** Whether this JVM runs as root (the servers then run as their own OS user). */
    boolean asRoot() {
        return asRoot;
    }

    /** A new folder under {@code workDir} (created if missing). */
    Path create(Path workDir, String prefix) {
        try {
            Files.createDirectories(workDir);
            return Files.createTempDirectory(workDir.toAbsolutePath(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a " + server + " folder under " + workDir, e);
        }
    }

    /** A new folder under /tmp, whose short path keeps a Unix socket's name within the kernel's limit. */
    Path createShortSocketFolder(String prefix) {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a " + server + " socket folder under /tmp", e);
        }
    }

    /**
     * Hands {@code dir} to the server's OS user and makes sure that user can reach it through
     * {@code workDir}; does nothing when we are not root.
     */
    void handOver(Path workDir, Path dir) throws IOException {
        if (!asRoot) {
            return;
        }
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.setOwner(path, users.lookupPrincipalByName(osUser));
            }
        }
        // A folder made by Files.createTempDirectory is rwx------: let the server pass through it.
        Path top = workDir.toAbsolutePath();
        for (Path folder = dir.toAbsolutePath().getParent(); folder != null; folder = folder.getParent()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
            if (folder.startsWith(top)) {
                if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
                    Files.setPosixFilePermissions(folder, permissions);
                }
            } else if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException(server + " runs as OS user " + osUser + ", which cannot enter "
                        + folder + " (no x permission for others); choose a work dir under /tmp");
            }
        }
    }

    /** A 24-character password for a server's own user; never logged. */
    static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            password.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
        }
        return password.toString();
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
