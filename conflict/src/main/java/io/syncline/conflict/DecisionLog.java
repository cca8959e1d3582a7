package io.syncline.conflict;

/**
 * Where conflicts that need coordination are decided once for every site: the first decision
 * recorded for a key wins, and every later proposal for the key gets that decision back. The Raft
 * coordinator is one ({@code CoordinatorClient.decide}).
 *
 * <pre>{@code
 * DecisionLog log = (key, proposal) -> coordinator.decide("orders", key, proposal);
 * ResolverRegistry registry = ResolverRegistry.from(settings, tables).withDecisions(log);
 * }</pre>
 */
@FunctionalInterface
public interface DecisionLog {

    /** Records {@code proposal} for {@code key} unless a decision exists; returns the decision. */
    String decide(String key, String proposal);
}
