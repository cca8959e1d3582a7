package io.syncline.conflict.coordinator;

/**
 * One coordinator peer as it reported itself to {@link CoordinatorClient#status()}.
 *
 * @param id the peer id
 * @param address its host:port
 * @param reachable whether it answered; if not, the other fields are {@code UNREACHABLE} / -1
 * @param role LEADER, FOLLOWER, CANDIDATE, LISTENER, or UNREACHABLE
 * @param term its current term
 * @param commitIndex the highest log index it knows to be committed
 * @param appliedIndex the highest log index its state machine has applied
 */
public record PeerStatus(String id, String address, boolean reachable, String role, long term, long commitIndex,
        long appliedIndex) {

    /** Checks the id, address and role. */
    public PeerStatus {
        Checks.text("peer id", id);
        Checks.text("address of peer " + id, address);
        Checks.text("role of peer " + id, role);
    }

    static PeerStatus unreachable(String id, String address) {
        return new PeerStatus(id, address, false, "UNREACHABLE", -1, -1, -1);
    }
}
