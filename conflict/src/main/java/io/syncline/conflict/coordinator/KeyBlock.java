package io.syncline.conflict.coordinator;

/**
 * A range of a sequence's value space that the coordinator handed to one site: the values
 * {@code start} to {@code end}, both included. The blocks of one sequence never overlap, whichever
 * sites asked for them, so a site that draws its generated keys only from its own blocks never
 * yields a value another site yields.
 *
 * <pre>{@code
 * KeyBlock block = coordinator.allocateKeyBlock("orders", "public.tickets.id", "east", 10_000, 1_234, requestId);
 * // ALTER SEQUENCE ... MINVALUE block.start() MAXVALUE block.end() RESTART WITH block.start()
 * }</pre>
 *
 * @param group the sync group
 * @param sequence the value space, named the same at every site (the key column, {@code schema.table.column})
 * @param site the site it was handed to
 * @param start the first value, {@code >= 1}
 * @param end the last value, {@code >= start}
 * @param requestId the idempotency key it was allocated under: asking again with it returns this block
 */
public record KeyBlock(String group, String sequence, String site, long start, long end, String requestId) {

    /** Checks every field. */
    public KeyBlock {
        Checks.text("group", group);
        Checks.text("sequence", sequence);
        Checks.text("site", site);
        Checks.text("requestId", requestId);
        if (start < 1 || end < start) {
            throw new IllegalArgumentException("key block of " + sequence + " was [" + start + ", " + end
                    + "], must have 1 <= start <= end");
        }
    }

    /** How many values the block holds. */
    public long size() {
        return end - start + 1;
    }

    /** Whether the two blocks share a value. */
    public boolean overlaps(KeyBlock other) {
        return start <= other.end && other.start <= end;
    }

    @Override
    public String toString() {
        return "block [" + start + ", " + end + "] of " + group + "/" + sequence + " for site " + site;
    }
}
