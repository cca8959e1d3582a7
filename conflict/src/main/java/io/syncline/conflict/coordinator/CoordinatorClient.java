package io.syncline.conflict.coordinator;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * A client of the coordinator group: follows the leader, retries through elections, and gives up
 * after a bounded time with a {@link CoordinatorUnavailableException} when no majority answers.
 * Thread-safe; one per process is enough.
 *
 * <pre>{@code
 * try (CoordinatorClient coordinator = CoordinatorClient.connect("n1=127.0.0.1:9871,n2=127.0.0.1:9872,n3=127.0.0.1:9873")) {
 *     PartitionLease lease = coordinator.acquire("orders", "east", 3, "east-sink-0/7f3a", Duration.ofSeconds(10));
 *     lease = coordinator.renew(lease, Duration.ofSeconds(10));
 *     coordinator.release(lease);
 * }
 * }</pre>
 *
 * <p>The lease clock ({@code nowMillis} of every lease command) is the injected {@link Clock}; the
 * coordinator never reads its own. An operation that times out may still take effect later; a lease
 * acquired that way is the same holder's and is simply renewed by its next acquire.
 */
public final class CoordinatorClient implements AutoCloseable {

    /** How long an operation tries before it reports the coordinator unavailable, unless told otherwise. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(3);

    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY_SLEEP = Duration.ofMillis(50);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);

    private final CoordinatorPeers peers;
    private final Clock clock;
    private final Duration operationTimeout;
    private final RaftClient client;
    private final RaftClient statusClient;
    private final ExecutorService calls;

    private CoordinatorClient(CoordinatorPeers peers, Clock clock, Duration operationTimeout) {
        this.peers = peers;
        this.clock = clock;
        this.operationTimeout = operationTimeout;
        // Enough fixed-sleep attempts to outlast the operation timeout, so an abandoned call ends soon after it.
        int attempts = (int) Math.max(3, operationTimeout.toMillis() / RETRY_SLEEP.toMillis());
        this.client = newRaftClient(peers, RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts,
                TimeDuration.valueOf(RETRY_SLEEP.toMillis(), TimeUnit.MILLISECONDS)));
        this.statusClient = newRaftClient(peers, RetryPolicies.noRetry());
        this.calls = Executors.newCachedThreadPool(daemonThreads());
    }

    /** Connects to the peers {@code peersSpec} names ({@code n1=host:port,n2=host:port,...}), system clock, 3 s timeout. */
    public static CoordinatorClient connect(String peersSpec) {
        return connect(peersSpec, Clock.systemUTC(), DEFAULT_OPERATION_TIMEOUT);
    }

    /**
     * Connects with the clock that stamps lease commands and the time after which an operation
     * that no majority answered fails with {@link CoordinatorUnavailableException}.
     */
    public static CoordinatorClient connect(String peersSpec, Clock clock, Duration operationTimeout) {
        CoordinatorPeers peers = CoordinatorPeers.parse(peersSpec);
        if (clock == null) {
            throw new IllegalArgumentException("clock was null");
        }
        if (operationTimeout == null || operationTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("operationTimeout was " + operationTimeout + ", must be at least 100 ms");
        }
        return new CoordinatorClient(peers, clock, operationTimeout);
    }

    /**
     * Takes the lease on a partition for {@code ttl}, or renews it if {@code holder} already has it.
     *
     * @throws LeaseRefusedException if another holder's lease has not expired
     * @throws CoordinatorUnavailableException if no majority answered in time
     */
    public PartitionLease acquire(String group, String site, int partition, String holder, Duration ttl) {
        CoordinatorReply reply = submit(new CoordinatorCommand.Acquire(group, site, partition, holder, ttlMillis(ttl),
                clock.millis()));
        if (reply instanceof CoordinatorReply.Granted g) {
            return g.lease();
        }
        if (reply instanceof CoordinatorReply.Refused r) {
            throw new LeaseRefusedException(holder, r.current());
        }
        throw unexpected(reply);
    }

    /**
     * Extends {@code lease} to {@code ttl} from now, keeping its epoch.
     *
     * @throws LeaseLostException if another holder took the partition or the lease was released
     * @throws CoordinatorUnavailableException if no majority answered in time
     */
    public PartitionLease renew(PartitionLease lease, Duration ttl) {
        CoordinatorReply reply = submit(new CoordinatorCommand.Renew(lease.group(), lease.site(), lease.partition(),
                lease.holder(), lease.epoch(), ttlMillis(ttl), clock.millis()));
        if (reply instanceof CoordinatorReply.Renewed r) {
            return r.lease();
        }
        if (reply instanceof CoordinatorReply.Lost l) {
            throw new LeaseLostException(lease, l.current());
        }
        throw unexpected(reply);
    }

    /** Gives {@code lease} up; a no-op if it is no longer the current one. */
    public void release(PartitionLease lease) {
        submit(new CoordinatorCommand.Release(lease.group(), lease.site(), lease.partition(), lease.holder(),
                lease.epoch()));
    }

    /** Every held lease of every group (expired ones included: check {@link PartitionLease#expiredAt}). */
    public List<PartitionLease> leases() {
        return ((CoordinatorReply.LeaseList) read(new CoordinatorQuery.Leases(Optional.empty()))).leases();
    }

    /** Every held lease of {@code group}. */
    public List<PartitionLease> leases(String group) {
        return ((CoordinatorReply.LeaseList) read(new CoordinatorQuery.Leases(Optional.of(group)))).leases();
    }

    /** Adds a site to the registry or replaces its record. */
    public void registerSite(SiteRecord site) {
        submit(new CoordinatorCommand.RegisterSite(site));
    }

    /** Every registered site. */
    public List<SiteRecord> sites() {
        return ((CoordinatorReply.SiteList) read(new CoordinatorQuery.Sites())).sites();
    }

    /** Proposes a decision under an idempotency key; returns the one recorded, which is the first proposed. */
    public String decide(String group, String key, String proposal) {
        CoordinatorReply reply = submit(new CoordinatorCommand.Decide(group, key, proposal));
        if (reply instanceof CoordinatorReply.Decided d) {
            return d.decision();
        }
        throw unexpected(reply);
    }

    /** The decision recorded under a key, if any. */
    public Optional<String> decision(String group, String key) {
        return ((CoordinatorReply.RecordedDecision) read(new CoordinatorQuery.Decision(group, key))).decision();
    }

    /** Records the version vector (its text form) that {@code site} has applied up to. */
    public void reportFrontier(String group, String site, String versionVector) {
        submit(new CoordinatorCommand.ReportFrontier(group, site, versionVector));
    }

    /** The latest frontier each site of {@code group} reported, site to version vector text, in site order. */
    public Map<String, String> frontiers(String group) {
        return ((CoordinatorReply.FrontierMap) read(new CoordinatorQuery.Frontiers(group))).frontiers();
    }

    /**
     * Allocates the next block of {@code blockSize} values of {@code sequence}'s value space for
     * {@code site}, above {@code floor} and above every block handed out for the sequence before.
     * Asking again with the same {@code requestId} returns the same block: retry a call that failed
     * with {@link CoordinatorUnavailableException} with the id it had, and no block is wasted or
     * handed out twice.
     *
     * @throws CoordinatorException if the value space above the floor is used up
     * @throws CoordinatorUnavailableException if no majority answered in time
     */
    public KeyBlock allocateKeyBlock(String group, String sequence, String site, long blockSize, long floor,
            String requestId) {
        CoordinatorReply reply = submit(new CoordinatorCommand.AllocateKeyBlock(group, sequence, site, blockSize,
                floor, requestId));
        if (reply instanceof CoordinatorReply.BlockAllocated b) {
            return b.block();
        }
        if (reply instanceof CoordinatorReply.NoBlock n) {
            throw new CoordinatorException("no key block for site " + site + ": " + n.reason()
                    + "; widen the column's type or reset the sequence's value space");
        }
        throw unexpected(reply);
    }

    /** Every block handed out for {@code sequence} of {@code group}, at every site, in value order. */
    public List<KeyBlock> keyBlocks(String group, String sequence) {
        return ((CoordinatorReply.KeyBlockList) read(new CoordinatorQuery.KeyBlocks(group, sequence))).blocks();
    }

    /** Asks every peer for its view, at most about a second each; a peer that does not answer is unreachable. */
    public CoordinatorStatus status() {
        Map<String, Future<PeerStatus>> asked = new LinkedHashMap<>();
        peers.addresses().forEach((id, address) -> asked.put(id, calls.submit(() -> peerStatus(id, address))));
        List<PeerStatus> statuses = new ArrayList<>();
        Optional<String> leader = Optional.empty();
        long term = -1;
        long commitIndex = -1;
        for (Map.Entry<String, Future<PeerStatus>> e : asked.entrySet()) {
            PeerStatus status;
            try {
                status = e.getValue().get(STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new CoordinatorException("interrupted while asking coordinator peers for their status", ie);
            } catch (ExecutionException | TimeoutException ex) {
                e.getValue().cancel(true);
                status = PeerStatus.unreachable(e.getKey(), peers.addresses().get(e.getKey()));
            }
            statuses.add(status);
            if (status.role().equals("LEADER")) {
                leader = Optional.of(status.id());
            }
            term = Math.max(term, status.term());
            commitIndex = Math.max(commitIndex, status.commitIndex());
        }
        return new CoordinatorStatus(statuses, leader, term, commitIndex);
    }

    private PeerStatus peerStatus(String id, String address) {
        try {
            GroupInfoReply info = statusClient.getGroupManagementApi(CoordinatorPeers.peerId(id))
                    .info(CoordinatorPeers.GROUP_ID);
            RoleInfoProto role = info.getRoleInfoProto();
            var log = info.getLogInfoProto();
            // Only a leader reports its term; for others the last log entry's term is the best view of it.
            long term = role.hasLeaderInfo() ? role.getLeaderInfo().getTerm() : log.getLastEntry().getTerm();
            return new PeerStatus(id, address, true, role.getRole().name(), term, log.getCommitted().getIndex(),
                    log.getApplied().getIndex());
        } catch (IOException | RuntimeException e) {
            return PeerStatus.unreachable(id, address);
        }
    }

    private CoordinatorReply submit(CoordinatorCommand command) {
        Message message = Message.valueOf(ByteString.copyFrom(CoordinatorCodec.encode(command)));
        return call(() -> client.io().send(message));
    }

    private CoordinatorReply read(CoordinatorQuery query) {
        Message message = Message.valueOf(ByteString.copyFrom(CoordinatorCodec.encode(query)));
        return call(() -> client.io().sendReadOnly(message));
    }

    private CoordinatorReply call(Callable<RaftClientReply> request) {
        Future<RaftClientReply> future = calls.submit(request);
        RaftClientReply reply;
        try {
            reply = future.get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CoordinatorException("interrupted while waiting for the coordinator", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw unavailable(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StateMachineException sme) {
                throw rejected(sme);
            }
            throw unavailable(cause);
        }
        if (!reply.isSuccess()) {
            if (reply.getStateMachineException() != null) {
                throw rejected(reply.getStateMachineException());
            }
            throw unavailable(reply.getException());
        }
        return CoordinatorCodec.decodeReply(reply.getMessage().getContent().toByteArray());
    }

    private CoordinatorException rejected(StateMachineException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return new CoordinatorException("the coordinator rejected the request: " + cause.getMessage()
                + "; fix the request, retrying it will not help", e);
    }

    private CoordinatorUnavailableException unavailable(Throwable cause) {
        return new CoordinatorUnavailableException("no coordinator majority reachable among "
                + String.join(",", peers.ids()) + " within " + seconds(operationTimeout)
                + "; leases cannot be granted or renewed until a majority is back"
                + (cause == null || cause.getMessage() == null ? "" : " (last error: " + cause.getMessage() + ")"),
                cause);
    }

    private static IllegalStateException unexpected(CoordinatorReply reply) {
        return new IllegalStateException("the coordinator answered " + reply + ", which this client does not expect");
    }

    private static long ttlMillis(Duration ttl) {
        if (ttl == null || ttl.toMillis() <= 0) {
            throw new IllegalArgumentException("lease ttl was " + ttl + ", must be positive");
        }
        return ttl.toMillis();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static RaftClient newRaftClient(CoordinatorPeers peers, RetryPolicy retryPolicy) {
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        return RaftClient.newBuilder()
                .setRaftGroup(peers.group())
                .setProperties(properties)
                .setRetryPolicy(retryPolicy)
                .build();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "syncline-coordinator-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        calls.shutdownNow();
        try {
            client.close();
            statusClient.close();
        } catch (IOException e) {
            throw new CoordinatorException("coordinator client did not close cleanly", e);
        }
    }
}
