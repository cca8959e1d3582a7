package io.syncline.core;

/**
 * Parses the positive decimal counters used in the text forms of {@link Dot} and
 * {@link VersionVector}. The format is strict (digits only, no sign, no leading zero) because
 * the same text is produced by SQL in the site triggers and compared byte for byte.
 */
final class Counters {

    private Counters() {
    }

    /**
     * Parses {@code text[from, to)} as a positive long.
     *
     * @throws IllegalArgumentException if the range is not a positive decimal number that fits a long
     */
    static long parsePositive(String text, int from, int to) {
        if (from >= to) {
            throw new IllegalArgumentException("counter is missing");
        }
        if (text.charAt(from) == '0') {
            throw new IllegalArgumentException(
                    "counter '" + text.substring(from, to) + "' must be a positive number without leading zeros");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(
                        "counter '" + text.substring(from, to) + "' is not a decimal number");
            }
            int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw new IllegalArgumentException(
                        "counter '" + text.substring(from, to) + "' is larger than " + Long.MAX_VALUE);
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
