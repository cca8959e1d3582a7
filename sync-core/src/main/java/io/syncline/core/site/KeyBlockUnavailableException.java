package io.syncline.core.site;

/** No block of key values could be allocated now (the coordinator is unreachable); a retry may succeed. */
public class KeyBlockUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message that says what happens next, and the cause. */
    public KeyBlockUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
