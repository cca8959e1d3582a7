package io.syncline.core;

/**
 * The name of one write: the site it was made at and that site's sequence number for it.
 *
 * <p>A dot is the idempotency key of a change: two events with the same dot are the same
 * write, delivered twice. Its text form, {@link #key()}, is {@code origin:sequence}.
 *
 * <pre>{@code
 * Dot dot = new Dot(SiteId.of("east"), 42);
 * dot.key();                  // "east:42"
 * Dot.parse("east:42");       // equals dot
 * }</pre>
 *
 * @param origin the site the write was made at
 * @param sequence the origin's sequence number of the write, 1 or more
 */
public record Dot(SiteId origin, long sequence) {

    /** Checks that the origin is present and the sequence is positive. */
    public Dot {
        if (origin == null) {
            throw new IllegalArgumentException("dot origin is null: name the site the write was made at");
        }
        if (sequence < 1) {
            throw new IllegalArgumentException(
                    "dot sequence for site '" + origin + "' was " + sequence + ", must be 1 or more");
        }
    }

    /**
     * Parses the text form made by {@link #key()}, such as {@code "east:42"}.
     *
     * @throws IllegalArgumentException naming the text if it is not a dot key
     */
    public static Dot parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("dot key is null: expected site:sequence, e.g. east:42");
        }
        int colon = key.indexOf(':');
        if (colon < 0) {
            throw invalid(key, "expected site:sequence, e.g. east:42");
        }
        try {
            SiteId origin = SiteId.of(key.substring(0, colon));
            long sequence = Counters.parsePositive(key, colon + 1, key.length());
            return new Dot(origin, sequence);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private static IllegalArgumentException invalid(String key, String reason) {
        return new IllegalArgumentException("dot key '" + key + "' is invalid: " + reason);
    }

    /** Returns {@code origin:sequence}, the idempotency key of this write. */
    public String key() {
        return origin.value() + ":" + sequence;
    }

    @Override
    public String toString() {
        return key();
    }
}
