package io.syncline.connector.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Fault injection for tests ({@code syncline.test.freeze.file}): the first task that passes here
 * while the file exists takes it (creates {@code <file>.taken}) and stands still, apply and lease
 * renewal alike, as a paused process would, until the file is deleted. Other tasks pass. Not set in
 * production configurations.
 */
final class FreezeSwitch {

    private final Path file;
    private volatile boolean mine;

    FreezeSwitch(String file) {
        this.file = file == null || file.isBlank() ? null : Path.of(file);
    }

    /** Stands still while this task holds the freeze; takes it if it is free. True if it stood still. */
    boolean pass() {
        if (file == null || !Files.exists(file)) {
            return false;
        }
        if (!mine) {
            try {
                Files.createFile(Path.of(file + ".taken"));
                mine = true;
            } catch (IOException alreadyTaken) {
                return false;
            }
        }
        standStill();
        return true;
    }

    /** Writes what happened to the batch held during the freeze to {@code <file>.outcome}. */
    void report(String outcome) {
        try {
            Files.writeString(Path.of(file + ".outcome"), outcome);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the freeze outcome", e);
        }
    }

    /** Stands still only if this task already holds the freeze (for background work). */
    void passIfFrozen() {
        if (mine) {
            standStill();
        }
    }

    private void standStill() {
        while (Files.exists(file)) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
