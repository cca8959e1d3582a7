package io.syncline.core.site;

/**
 * Where a site's installer gets blocks of values for {@link KeyKind#COORDINATOR_BLOCKS}: the mesh's
 * coordinator, which hands every block out once (the connector implements it; sync-core knows no
 * coordinator). The value space of a sequence is named by its column ({@code schema.table.column}),
 * the same at every site.
 *
 * <pre>{@code
 * SequenceBlock block = blocks.allocate("public.tickets.id", 1_234, 10_000, "after:20000");
 * }</pre>
 */
@FunctionalInterface
public interface KeyBlockSource {

    /** No coordinator: every allocation is refused with a message saying what to configure. */
    KeyBlockSource NONE = (sequence, floor, size, requestId) -> {
        throw new SiteSetupException("column " + sequence + " takes its keys from blocks allocated through the "
                + "coordinator (keys.kind=coordinator-blocks), and this connector has none: set coordinator.peers, "
                + "or use keys.kind=interleaved, which needs no coordinator");
    };

    /**
     * The next block of {@code size} values of {@code sequence}'s value space for this site, above
     * {@code floor} and above every block handed out before. The same {@code requestId} gets the same
     * block again.
     *
     * @throws KeyBlockUnavailableException when the coordinator cannot be reached in time (retriable)
     * @throws SiteSetupException when no block can ever be allocated (the message says how to fix it)
     */
    SequenceBlock allocate(String sequence, long floor, long size, String requestId);
}
