package io.syncline.tools.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A half-open range of primary keys, {@code lower <= key < upper}, each bound the text of every key
 * column (in key order) or {@code null} for no bound. The ranges of {@link #between(List)} cover the
 * whole key space without overlap, so every row of every site falls into exactly one of them.
 *
 * <pre>{@code
 * KeyRange.between(List.of(List.of("10001"), List.of("20001")));
 * // [(-inf, 10001), [10001, 20001), [20001, +inf)]
 * }</pre>
 */
record KeyRange(List<String> lower, List<String> upper) {

    KeyRange {
        lower = lower == null ? null : List.copyOf(lower);
        upper = upper == null ? null : List.copyOf(upper);
        if (lower != null && upper != null && lower.size() != upper.size()) {
            throw new IllegalArgumentException("bounds " + lower + " and " + upper + " have different key widths");
        }
    }

    /** Every key: the range of a table that has no boundary (its first site holds at most one chunk). */
    static final KeyRange ALL = new KeyRange(null, null);

    /**
     * The ranges cut by {@code boundaries} (ascending, as the first site orders its keys): the open
     * range below the first boundary, one range from each boundary to the next, and the open range
     * from the last boundary up.
     */
    static List<KeyRange> between(List<List<String>> boundaries) {
        List<KeyRange> ranges = new ArrayList<>(boundaries.size() + 1);
        List<String> previous = null;
        for (List<String> boundary : boundaries) {
            if (previous != null && previous.size() != boundary.size()) {
                throw new IllegalArgumentException("boundary " + boundary + " has " + boundary.size()
                        + " key values, the one before " + previous.size());
            }
            ranges.add(new KeyRange(previous, boundary));
            previous = boundary;
        }
        ranges.add(new KeyRange(previous, null));
        return ranges;
    }

    @Override
    public String toString() {
        return (lower == null ? "(-inf" : "[" + String.join(",", lower)) + ", "
                + (upper == null ? "+inf)" : String.join(",", upper) + ")");
    }
}
