package io.syncline.core.site;

/**
 * A site cannot be set up or used as configured; the message says what to change. Retrying
 * without changing the database or the configuration will fail the same way.
 */
public class SiteSetupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SiteSetupException(String message) {
        super(message);
    }

    public SiteSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
