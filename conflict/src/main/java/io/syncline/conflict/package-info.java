/**
 * Conflict resolution: the {@link io.syncline.conflict.ConflictResolver} SPI, its built-in rules and
 * the {@link io.syncline.conflict.ResolverRegistry} that picks one per table.
 *
 * <p>Every rule is a join of a semilattice, so sites that see the same concurrent versions in any
 * order end with the same row. Choices that follow from that and are worth knowing:
 *
 * <ul>
 *   <li>Whole-version rules (last-writer-wins, site-priority, delete-wins, update-wins, max, min)
 *       order versions totally and keep the greater; their ties always fall back to last writer:
 *       (hlc, origin site id, sequence).
 *   <li>max / min: a version without a value (deleted, the column NULL or absent) loses to one with
 *       a value under both rules, so NULL never wins over data; two without a value go by last
 *       writer. Numbers compare across integer, decimal and float; {@code 1} and {@code 1.0} tie
 *       and go by last writer; NaN ranks above every number.
 *   <li>column-last-writer-wins: a deletion counts as writing NULL to every column at its own stamp
 *       (a row tombstone). If a newer concurrent update keeps the row, the columns that update did
 *       not write after the deletion are NULL. Keeping their older values instead would make the
 *       result depend on arrival order, because a deleted version carries no values.
 *   <li>delta: a winning deletion keeps the merged counters, so a row that comes back still adds
 *       up every increment; the base of a counter is the last writer's {@code value - sum(entries)}.
 * </ul>
 */
package io.syncline.conflict;
