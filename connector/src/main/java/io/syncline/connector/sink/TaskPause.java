package io.syncline.connector.sink;


/**
 * A seam for one fault the tests must inject from inside a worker: a sink task that stands still
 * (a zombie, as after a long GC pause or a frozen VM) while its lease moves on to another task, and
 * then tries to commit the batch it held. {@code CoordinatorIT} needs two tasks of one sink in one
 * worker and exactly one of them paused: SIGSTOP of the worker process would stop both, and the
 * broker, the coordinator and the other task with them, so the pause cannot be injected from
 * outside.
 *
 * <p>In production the configuration key {@code syncline.test.freeze.file} is unset and the task
 * chooses {@link #NONE} once, in {@code start()}: it hands back the very applier and renewal it is
 * given, so nothing of this runs per batch or per renewal.
 *
 * <pre>{@code
 * TaskPause pause = TaskPause.of(config.freezeFile());
 * BatchApplier apply = pause.aroundApply(new CurrentShapeApply(site, deadLetters, self));
 * Runnable renewal = pause.aroundRenewal(this::renewAll);
 * }</pre>
 */
interface TaskPause {

    /** No pause: the applier and the renewal as they are. */
    TaskPause NONE = new TaskPause() {
        @Override
        public BatchApplier aroundApply(BatchApplier applier) {
            return applier;
        }

        @Override
        public Runnable aroundRenewal(Runnable renewal) {
            return renewal;
        }
    };

    /** {@link #NONE} when {@code freezeFile} is unset, else the pause driven by that file ({@link FreezeSwitch}). */
    static TaskPause of(String freezeFile) {
        return freezeFile == null || freezeFile.isBlank() ? NONE : new FreezeSwitch(freezeFile);
    }

    /** The applier to use for batches: {@code applier}, or one that may stand still before it. */
    BatchApplier aroundApply(BatchApplier applier);

    /** The lease renewal to schedule: {@code renewal}, or one that stands still while the task does. */
    Runnable aroundRenewal(Runnable renewal);
}
