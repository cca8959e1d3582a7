package io.syncline.conflict;

import io.syncline.core.apply.RowState;

/**
 * Merges two concurrent versions of a row into one: the service provider interface behind
 * {@code conflict.resolver} and {@code conflict.resolver.<schema.table>}. Built-in resolvers are
 * named (see {@link ResolverRegistry#builtInNames()}); any other value containing a {@code .} is the
 * class name of an implementation, which needs a public no-argument constructor.
 *
 * <p>Every site must end with the same row whatever order it sees the versions in, so
 * {@link #merge} must be, on the data (deleted flag, columns, column stamps, counters):
 * commutative ({@code merge(a, b)} equals {@code merge(b, a)}), associative
 * ({@code merge(merge(a, b), c)} equals {@code merge(a, merge(b, c))}) and idempotent
 * ({@code merge(a, a)} equals {@code a}). The {@link ResolverRegistry} sets the result's version
 * vector to the join of both inputs' vectors; whatever vector the resolver returns is replaced,
 * so the inputs a resolver sees always carry joined vectors of everything merged into them.
 * The result's hlc, origin and sequence should be those of one of the inputs (the one that
 * decides), which keeps later comparisons by write order meaningful.
 *
 * <p>A resolver is configured once, before its first merge, and then called from several threads:
 * keep it immutable after {@link #configure}.
 *
 * <pre>{@code
 * public final class OldestOriginWins implements ConflictResolver {
 *     public String name() { return "oldest-origin-wins"; }
 *     public RowState merge(RowState a, RowState b) {
 *         int bySite = a.origin().compareTo(b.origin());
 *         if (bySite != 0) return bySite < 0 ? a : b;
 *         return a.sequence() >= b.sequence() ? a : b;
 *     }
 * }
 * // conflict.resolver.public.orders=com.example.OldestOriginWins
 * }</pre>
 */
public interface ConflictResolver {

    /** The rule's name, recorded with every conflict it decides, e.g. {@code last-writer-wins}. */
    String name();

    /**
     * Merges two concurrent versions of one row; see the type's description for the laws.
     *
     * @param a one version
     * @param b the other version
     * @return the resulting version: one of the inputs, or a new one made of both
     */
    RowState merge(RowState a, RowState b);

    /**
     * Whether this resolver's choice must be decided once for all sites through the coordinator
     * (a resolver whose answer could differ between sites, e.g. one that asks an outside system).
     * The registry then records the choice of the first site to meet the conflict and every site
     * applies that one; the resolver must pick one of the two versions whole.
     */
    default boolean needsCoordination() {
        return false;
    }

    /**
     * Receives the resolver's options, once, before any merge.
     *
     * @throws IllegalArgumentException naming the key, if an option is missing or invalid
     */
    default void configure(ResolverSettings settings) {
    }
}
