package io.syncline.tools.standalone;

/**
 * Kafka or the site's database could not be reached when a standalone site started; nothing is
 * left running. The message names what, where, and the reason.
 */
public final class SiteUnreachableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SiteUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
