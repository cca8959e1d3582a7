package io.syncline.connector.sink;

import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.FencedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The {@link TaskPause} of tests ({@code syncline.test.freeze.file}): the first task that is about
 * to apply a batch with changes while the file exists takes the freeze (creates
 * {@code <file>.taken}) and stands still, apply and lease renewal alike, as a paused process would,
 * until the file is deleted. Then it applies the batch it held and writes what the database did
 * with it to {@code <file>.outcome}: {@code applied} or {@code fenced}. Other tasks pass.
 */
final class FreezeSwitch implements TaskPause {

    private final Path file;
    private volatile boolean mine;

    FreezeSwitch(String file) {
        this.file = Path.of(file);
    }

    @Override
    public BatchApplier aroundApply(BatchApplier applier) {
        return plan -> {
            boolean held = !plan.events().isEmpty() && pass();
            try {
                BatchOutcome.Committed committed = applier.apply(plan);
                if (held) {
                    report("applied");
                }
                return committed;
            } catch (FencedException e) {
                if (held) {
                    report("fenced");
                }
                throw e;
            }
        };
    }

    @Override
    public Runnable aroundRenewal(Runnable renewal) {
        return () -> {
            // Only a task that holds the freeze stands still here; the others renew as usual.
            if (mine) {
                standStill();
            }
            renewal.run();
        };
    }

    /** Stands still while this task holds the freeze; takes it if it is free. True if it stood still. */
    private boolean pass() {
        if (!Files.exists(file)) {
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

    private void report(String outcome) {
        try {
            Files.writeString(Path.of(file + ".outcome"), outcome);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the freeze outcome", e);
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
