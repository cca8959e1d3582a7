package io.syncline.conflict.coordinator;

import java.util.List;
import java.util.Optional;

/**
 * The coordinator group as its peers see it.
 *
 * <pre>{@code
 * CoordinatorStatus status = client.status();
 * status.leader();                    // Optional[n2]
 * status.peers().get(0).reachable();  // false when n1 is down
 * }</pre>
 *
 * @param peers every configured peer, reachable or not, in configuration order
 * @param leader the leader a reachable peer names, if any
 * @param term the highest term a reachable peer reported, -1 if none answered
 * @param commitIndex the highest commit index a reachable peer reported, -1 if none answered
 */
public record CoordinatorStatus(List<PeerStatus> peers, Optional<String> leader, long term, long commitIndex) {

    /** Checks and copies. */
    public CoordinatorStatus {
        if (peers == null || leader == null) {
            throw new IllegalArgumentException("coordinator status peers and leader must not be null");
        }
        peers = List.copyOf(peers);
    }

    /** How many peers answered. */
    public long reachable() {
        return peers.stream().filter(PeerStatus::reachable).count();
    }
}
