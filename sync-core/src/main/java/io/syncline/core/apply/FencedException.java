package io.syncline.core.apply;

/**
 * A newer writer (a higher lease epoch) has stored offsets for the partition: this writer's batch
 * was rolled back and nothing of it was written. The task must stop applying the partition.
 */
public class FencedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FencedException(String message) {
        super(message);
    }
}
