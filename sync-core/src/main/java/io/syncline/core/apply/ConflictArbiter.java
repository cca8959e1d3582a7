package io.syncline.core.apply;

/**
 * Decides conflicts: two concurrent versions of the same row. The result must not depend on which
 * version is local, nor on the order a site sees a set of versions in, so every site converges.
 *
 * <pre>{@code
 * ConflictArbiter arbiter = (table, type, local, incoming) -> {
 *     RowState winner = incoming.hlc() > local.hlc() ? incoming : local;
 *     return new Resolution(winner.withVv(local.vv().join(incoming.vv())),
 *             winner == local ? Resolution.Winner.LOCAL : Resolution.Winner.INCOMING, "newest");
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ConflictArbiter {

    /**
     * @param table the schema-qualified table
     * @param type what kind of conflict this is
     * @param local the version the site holds
     * @param incoming the version arriving from another site
     * @return the resulting version, whose vector is the join of both
     */
    Resolution resolve(String table, ConflictType type, RowState local, RowState incoming);
}
