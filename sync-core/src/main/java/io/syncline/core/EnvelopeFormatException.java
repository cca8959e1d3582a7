package io.syncline.core;

/**
 * Thrown when bytes cannot be read as a Syncline change envelope: wrong header, a schema this
 * version does not know, truncated or corrupt data, or content that breaks the event rules.
 * Retrying cannot fix it; the record belongs on the dead-letter topic with this message.
 *
 * <pre>{@code
 * try {
 *     ChangeEvent event = codec.decode(recordValue);
 * } catch (EnvelopeFormatException e) {
 *     deadLetters.send(recordValue, e.getMessage());
 * }
 * }</pre>
 */
public final class EnvelopeFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message saying what is wrong. */
    public EnvelopeFormatException(String message) {
        super(message);
    }

    /** Creates the exception with a message saying what is wrong and the underlying failure. */
    public EnvelopeFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
