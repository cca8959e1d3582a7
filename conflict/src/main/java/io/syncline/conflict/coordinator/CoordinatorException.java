package io.syncline.conflict.coordinator;

/** A coordinator operation did not succeed; the subclass says why and what happens next. */
public class CoordinatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message that says what happens next. */
    public CoordinatorException(String message) {
        super(message);
    }

    /** With a message that says what happens next, and the cause. */
    public CoordinatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
