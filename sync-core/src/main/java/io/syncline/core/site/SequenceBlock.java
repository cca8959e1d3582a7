package io.syncline.core.site;

/**
 * A block of values a site's sequence may hand out, {@code start} to {@code end} (both included),
 * allocated for the site by the mesh's coordinator; no other site gets a value of it.
 *
 * <pre>{@code
 * SequenceBlock block = new SequenceBlock(20_001, 30_000);
 * block.remainingFrom(29_990);   // 11
 * }</pre>
 */
public record SequenceBlock(long start, long end) {

    public SequenceBlock {
        if (start < 1 || end < start) {
            throw new IllegalArgumentException("sequence block was [" + start + ", " + end
                    + "], must have 1 <= start <= end");
        }
    }

    /** How many values are left when {@code next} is the value the sequence hands out next. */
    public long remainingFrom(long next) {
        return next > end ? 0 : end - Math.max(next, start) + 1;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + "]";
    }
}
