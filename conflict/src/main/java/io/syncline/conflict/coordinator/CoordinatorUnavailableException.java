package io.syncline.conflict.coordinator;

/**
 * No majority of coordinator peers answered in time. Retriable: leases already held stay valid
 * until they expire, but none can be granted or renewed until a majority is back.
 */
public class CoordinatorUnavailableException extends CoordinatorException {

    private static final long serialVersionUID = 1L;

    /** With a message naming the peers and the time waited. */
    public CoordinatorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
