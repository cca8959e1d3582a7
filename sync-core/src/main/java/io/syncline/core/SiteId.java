package io.syncline.core;

/**
 * The short, stable id of one database (site) in a sync group.
 *
 * <p>An id is 1 to 32 characters of {@code a-z}, {@code 0-9}, {@code _} or {@code -}. The
 * alphabet leaves out {@code :} and {@code ,}, which is what keeps the text forms of
 * {@link Dot} and {@link VersionVector} unambiguous, and it is plain ASCII, so Java's
 * {@link String#compareTo} order equals PostgreSQL's {@code COLLATE "C"} order.
 *
 * <pre>{@code
 * SiteId east = SiteId.of("east");
 * east.toString();            // "east"
 * SiteId.of("East!");         // IllegalArgumentException: site id 'East!' is invalid: ...
 * }</pre>
 *
 * @param value the id text
 */
public record SiteId(String value) implements Comparable<SiteId> {

    /** The longest id allowed, in characters. */
    public static final int MAX_LENGTH = 32;

    private static final String RULE = "use 1 to 32 characters of a-z, 0-9, _ or -";

    /** Checks the id; see the type's description for the rule. */
    public SiteId {
        if (value == null) {
            throw new IllegalArgumentException("site id is null: " + RULE);
        }
        if (!isValid(value)) {
            throw new IllegalArgumentException("site id '" + value + "' is invalid: " + RULE);
        }
    }

    /**
     * Returns the site id with the given text.
     *
     * @throws IllegalArgumentException if the text is not a valid id
     */
    public static SiteId of(String value) {
        return new SiteId(value);
    }

    private static boolean isValid(String value) {
        int length = value.length();
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(SiteId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
