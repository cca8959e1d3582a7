package io.syncline.conflict.coordinator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's replicated state machine: partition leases and epochs, the site registry,
 * coordinated decisions and applied frontiers (see {@link CoordinatorCommand} for the rules).
 *
 * <p>Deterministic: a command carries its own time, and nothing here reads a clock. A command that
 * cannot be decoded or is invalid never reaches the log when this peer leads (the transaction is
 * refused in {@link #startTransaction}); should one be in the log anyway, its future fails and the
 * state is unchanged, so every peer still agrees. Nothing is thrown on the apply thread.
 *
 * <p>Snapshots are one file per snapshot in the {@link SimpleStateMachineStorage} layout
 * ({@code snapshot.<term>_<index>} plus its MD5), loaded on start and after a snapshot is installed
 * from the leader, so a peer that comes back replays only the log after it.
 *
 * <pre>{@code
 * RaftServer server = RaftServer.newBuilder().setStateMachine(new CoordinatorStateMachine())...build();
 * }</pre>
 */
public final class CoordinatorStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final CoordinatorState state = new CoordinatorState();

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        // NEW -> STARTING -> RUNNING: pause() below needs a running life cycle to move to PAUSED.
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            loadLatestSnapshot();
        });
    }

    /**
     * Ratis pauses the state machine before it installs a snapshot from the leader into this
     * peer's storage, and checks that it is {@code PAUSED} before it calls {@link #reinitialize}.
     */
    @Override
    public void pause() {
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.transitionIfValid(LifeCycle.State.PAUSING)) {
            lifeCycle.transition(LifeCycle.State.PAUSED);
        }
    }

    /** Loads the snapshot just installed from the leader (it replaces the whole state) and resumes. */
    @Override
    public void reinitialize() throws IOException {
        LifeCycle lifeCycle = getLifeCycle();
        boolean paused = lifeCycle.compareAndTransition(LifeCycle.State.PAUSED, LifeCycle.State.STARTING);
        loadLatestSnapshot();
        if (paused) {
            lifeCycle.transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        try {
            CoordinatorCodec.decodeCommand(request.getMessage().getContent().toByteArray());
        } catch (IllegalArgumentException e) {
            trx.setException(e);
        }
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
        CoordinatorCommand command;
        try {
            command = CoordinatorCodec.decodeCommand(data);
        } catch (RuntimeException e) {
            lock.writeLock().lock();
            try {
                updateLastAppliedTermIndex(termIndex);
            } finally {
                lock.writeLock().unlock();
            }
            LOG.warn("log entry {} is not a coordinator command; skipped without a change: {}", termIndex,
                    e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        CoordinatorReply reply;
        lock.writeLock().lock();
        try {
            reply = state.apply(command);
            updateLastAppliedTermIndex(termIndex);
        } catch (RuntimeException e) {
            // A rule that throws is a bug; the state is unchanged for this entry on every peer alike.
            LOG.error("applying log entry {} failed", termIndex, e);
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.writeLock().unlock();
        }
        LOG.trace("applied {} at {}: {}", command.getClass().getSimpleName(), termIndex, reply);
        return CompletableFuture.completedFuture(message(CoordinatorCodec.encode(reply)));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            CoordinatorQuery query = CoordinatorCodec.decodeQuery(request.getContent().toByteArray());
            CoordinatorReply reply;
            lock.readLock().lock();
            try {
                reply = state.query(query);
            } finally {
                lock.readLock().unlock();
            }
            return CompletableFuture.completedFuture(message(CoordinatorCodec.encode(reply)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Answers a query from this peer's state as applied so far, for tests and diagnostics. */
    CoordinatorReply localQuery(CoordinatorQuery query) {
        lock.readLock().lock();
        try {
            return state.query(query);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Writes the state in the snapshot format, for tests that compare peers byte for byte. */
    void writeState(DataOutput out) throws IOException {
        lock.readLock().lock();
        try {
            state.writeTo(out);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        lock.readLock().lock();
        try {
            TermIndex last = getLastAppliedTermIndex();
            if (last == null || last.getIndex() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
            Path target = file.toPath();
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                state.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
            storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target, md5), last));
            LOG.debug("snapshot at {} written to {}", last, target);
            return last.getIndex();
        } finally {
            lock.readLock().unlock();
        }
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null) {
            MD5FileUtil.verifySavedMD5(file, expected);
        }
        lock.writeLock().lock();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file.toPath())))) {
            state.readFrom(in);
            setLastAppliedTermIndex(snapshot.getTermIndex());
        } finally {
            lock.writeLock().unlock();
        }
        LOG.info("coordinator state loaded from snapshot {} at {}", file.getName(), snapshot.getTermIndex());
    }

    private static Message message(byte[] bytes) {
        return Message.valueOf(ByteString.copyFrom(bytes));
    }
}
