package io.syncline.conflict.coordinator;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * How a coordinator peer times elections and requests and when it snapshots.
 *
 * <pre>{@code
 * CoordinatorPeer.start("n1", peers, dir, CoordinatorTuning.defaults());  // production
 * CoordinatorCluster.start(3, dir, CoordinatorTuning.fast());             // tests, the embedded stack
 * }</pre>
 *
 * @param electionTimeoutMin a follower that hears no leader for a random time between min and max
 *     starts an election; failover takes about this long plus one election round
 * @param electionTimeoutMax see {@code electionTimeoutMin}
 * @param requestTimeout how long a peer waits for another peer's reply to a request
 * @param snapshotThreshold applied log entries after which a peer writes a snapshot and may purge
 *     the log before it
 * @param logSegmentSize the size of a closed log segment; only closed segments can be purged
 */
public record CoordinatorTuning(Duration electionTimeoutMin, Duration electionTimeoutMax, Duration requestTimeout,
        long snapshotThreshold, long logSegmentSize) {

    /** Checks every value. */
    public CoordinatorTuning {
        positive("electionTimeoutMin", electionTimeoutMin);
        positive("electionTimeoutMax", electionTimeoutMax);
        positive("requestTimeout", requestTimeout);
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("electionTimeoutMax was " + electionTimeoutMax
                    + ", must be greater than electionTimeoutMin " + electionTimeoutMin);
        }
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshotThreshold was " + snapshotThreshold + ", must be >= 1");
        }
        if (logSegmentSize < 1024) {
            throw new IllegalArgumentException("logSegmentSize was " + logSegmentSize + ", must be >= 1024 bytes");
        }
    }

    /** Production: election after 1-2 s without a leader, snapshot every 10 000 entries. */
    public static CoordinatorTuning defaults() {
        return new CoordinatorTuning(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), 10_000,
                8L << 20);
    }

    /** Tests and the embedded stack: election after 150-300 ms, so failover is well under 1.5 s. */
    public static CoordinatorTuning fast() {
        return new CoordinatorTuning(Duration.ofMillis(150), Duration.ofMillis(300), Duration.ofSeconds(1), 1_000,
                1L << 20);
    }

    /** A copy with another snapshot threshold. */
    public CoordinatorTuning withSnapshotThreshold(long threshold) {
        return new CoordinatorTuning(electionTimeoutMin, electionTimeoutMax, requestTimeout, threshold, logSegmentSize);
    }

    /** A copy with another log segment size. */
    public CoordinatorTuning withLogSegmentSize(long bytes) {
        return new CoordinatorTuning(electionTimeoutMin, electionTimeoutMax, requestTimeout, snapshotThreshold, bytes);
    }

    RaftProperties serverProperties(File storageDir, String host, int port) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setHost(p, host);
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(electionTimeoutMin));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(electionTimeoutMax));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, millis(electionTimeoutMin));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, millis(electionTimeoutMax));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(requestTimeout));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotThreshold);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(logSegmentSize));
        // Purge the log up to each snapshot, even when a peer is down: a peer that comes back later
        // gets the snapshot installed instead of a replay; the state is small, so that is cheap.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(snapshotThreshold, 1024));
        return p;
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " was " + d + ", must be a positive duration");
        }
    }
}
