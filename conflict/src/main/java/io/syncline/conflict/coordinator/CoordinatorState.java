package io.syncline.conflict.coordinator;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The coordinator's replicated state and the rules that change it. Pure and deterministic: the
 * next state depends only on the current one and the command (time included, as the command's
 * {@code nowMillis}); sorted maps make listings and snapshots byte-for-byte the same on every
 * peer. Not thread-safe: {@link CoordinatorStateMachine} guards it.
 */
final class CoordinatorState {

    private static final int SNAPSHOT_MAGIC = 0x53594e43; // "SYNC"
    /** Version 2 added key blocks; version 1 snapshots (without them) still load. */
    private static final int SNAPSHOT_VERSION = 2;
    private static final int SNAPSHOT_VERSION_WITHOUT_BLOCKS = 1;

    record PartitionKey(String group, String site, int partition) implements Comparable<PartitionKey> {
        private static final Comparator<PartitionKey> ORDER = Comparator.comparing(PartitionKey::group)
                .thenComparing(PartitionKey::site).thenComparingInt(PartitionKey::partition);

        @Override
        public int compareTo(PartitionKey o) {
            return ORDER.compare(this, o);
        }
    }

    record Pair(String first, String second) implements Comparable<Pair> {
        private static final Comparator<Pair> ORDER = Comparator.comparing(Pair::first).thenComparing(Pair::second);

        @Override
        public int compareTo(Pair o) {
            return ORDER.compare(this, o);
        }
    }

    /**
     * A partition's lease slot. A released slot keeps its epoch (holder empty), so the next holder
     * still gets a greater one: epochs never go back, whatever happens.
     */
    private record Slot(Optional<String> holder, long epoch, long expiresAtMillis) {
        PartitionLease lease(PartitionKey key) {
            return new PartitionLease(key.group(), key.site(), key.partition(), holder.orElseThrow(), epoch,
                    expiresAtMillis);
        }

        boolean heldBy(String who) {
            return holder.isPresent() && holder.get().equals(who);
        }
    }

    private final TreeMap<PartitionKey, Slot> leases = new TreeMap<>();
    private final TreeMap<Pair, SiteRecord> sites = new TreeMap<>();
    private final TreeMap<Pair, String> decisions = new TreeMap<>();
    private final TreeMap<Pair, String> frontiers = new TreeMap<>();
    /** Per (group, sequence): the blocks handed out, by their first value. */
    private final TreeMap<Pair, TreeMap<Long, KeyBlock>> blocks = new TreeMap<>();

    CoordinatorReply apply(CoordinatorCommand command) {
        if (command instanceof CoordinatorCommand.Acquire a) {
            return acquire(a);
        } else if (command instanceof CoordinatorCommand.Renew r) {
            return renew(r);
        } else if (command instanceof CoordinatorCommand.Release r) {
            return release(r);
        } else if (command instanceof CoordinatorCommand.RegisterSite r) {
            sites.put(new Pair(r.site().group(), r.site().site()), r.site());
            return new CoordinatorReply.Accepted();
        } else if (command instanceof CoordinatorCommand.Decide d) {
            return new CoordinatorReply.Decided(decisions.computeIfAbsent(new Pair(d.group(), d.key()),
                    k -> d.proposal()));
        } else if (command instanceof CoordinatorCommand.ReportFrontier f) {
            frontiers.put(new Pair(f.group(), f.site()), f.versionVector());
            return new CoordinatorReply.Accepted();
        } else if (command instanceof CoordinatorCommand.AllocateKeyBlock a) {
            return allocate(a);
        }
        throw new IllegalArgumentException("not a coordinator command: " + command);
    }

    private CoordinatorReply acquire(CoordinatorCommand.Acquire a) {
        PartitionKey key = new PartitionKey(a.group(), a.site(), a.partition());
        Slot slot = leases.get(key);
        long expiry = a.nowMillis() + a.ttlMillis();
        if (slot != null && slot.heldBy(a.holder())) {
            Slot renewed = new Slot(slot.holder(), slot.epoch(), expiry);
            leases.put(key, renewed);
            return new CoordinatorReply.Granted(renewed.lease(key));
        }
        if (slot != null && slot.holder().isPresent() && slot.expiresAtMillis() > a.nowMillis()) {
            return new CoordinatorReply.Refused(slot.lease(key));
        }
        long epoch = slot == null ? 1 : slot.epoch() + 1;
        Slot granted = new Slot(Optional.of(a.holder()), epoch, expiry);
        leases.put(key, granted);
        return new CoordinatorReply.Granted(granted.lease(key));
    }

    private CoordinatorReply renew(CoordinatorCommand.Renew r) {
        PartitionKey key = new PartitionKey(r.group(), r.site(), r.partition());
        Slot slot = leases.get(key);
        if (slot == null || !slot.heldBy(r.holder()) || slot.epoch() != r.epoch()) {
            Optional<PartitionLease> current = slot == null || slot.holder().isEmpty()
                    ? Optional.empty() : Optional.of(slot.lease(key));
            return new CoordinatorReply.Lost(current);
        }
        // Also after expiry: nobody took the partition (that would have raised the epoch), so the
        // holder's fencing epoch is still the greatest and renewing it is safe.
        Slot renewed = new Slot(slot.holder(), slot.epoch(), r.nowMillis() + r.ttlMillis());
        leases.put(key, renewed);
        return new CoordinatorReply.Renewed(renewed.lease(key));
    }

    private CoordinatorReply release(CoordinatorCommand.Release r) {
        PartitionKey key = new PartitionKey(r.group(), r.site(), r.partition());
        Slot slot = leases.get(key);
        if (slot == null || !slot.heldBy(r.holder()) || slot.epoch() != r.epoch()) {
            return new CoordinatorReply.Released(false);
        }
        leases.put(key, new Slot(Optional.empty(), slot.epoch(), 0));
        return new CoordinatorReply.Released(true);
    }

    private CoordinatorReply allocate(CoordinatorCommand.AllocateKeyBlock a) {
        TreeMap<Long, KeyBlock> of = blocks.computeIfAbsent(new Pair(a.group(), a.sequence()), k -> new TreeMap<>());
        for (KeyBlock earlier : of.values()) {
            if (earlier.requestId().equals(a.requestId())) {
                return new CoordinatorReply.BlockAllocated(earlier);
            }
        }
        long highest = of.isEmpty() ? 0 : of.lastEntry().getValue().end();
        long above = Math.max(highest, a.floor());
        if (above == Long.MAX_VALUE) {
            if (of.isEmpty()) {
                blocks.remove(new Pair(a.group(), a.sequence()));
            }
            return new CoordinatorReply.NoBlock("sequence " + a.sequence() + " of group " + a.group()
                    + " has no values left above " + above);
        }
        long start = above + 1;
        long end = start - 1 > Long.MAX_VALUE - a.blockSize() ? Long.MAX_VALUE : start - 1 + a.blockSize();
        KeyBlock block = new KeyBlock(a.group(), a.sequence(), a.site(), start, end, a.requestId());
        of.put(start, block);
        return new CoordinatorReply.BlockAllocated(block);
    }

    CoordinatorReply query(CoordinatorQuery query) {
        if (query instanceof CoordinatorQuery.Leases l) {
            return new CoordinatorReply.LeaseList(leases(l.group()));
        } else if (query instanceof CoordinatorQuery.Sites) {
            return new CoordinatorReply.SiteList(List.copyOf(sites.values()));
        } else if (query instanceof CoordinatorQuery.Decision d) {
            return new CoordinatorReply.RecordedDecision(Optional.ofNullable(decisions.get(new Pair(d.group(), d.key()))));
        } else if (query instanceof CoordinatorQuery.Frontiers f) {
            TreeMap<String, String> of = new TreeMap<>();
            frontiers.forEach((k, v) -> {
                if (k.first().equals(f.group())) {
                    of.put(k.second(), v);
                }
            });
            return new CoordinatorReply.FrontierMap(of);
        } else if (query instanceof CoordinatorQuery.KeyBlocks k) {
            TreeMap<Long, KeyBlock> of = blocks.get(new Pair(k.group(), k.sequence()));
            return new CoordinatorReply.KeyBlockList(of == null ? List.of() : List.copyOf(of.values()));
        }
        throw new IllegalArgumentException("not a coordinator query: " + query);
    }

    private List<PartitionLease> leases(Optional<String> group) {
        List<PartitionLease> held = new ArrayList<>();
        for (Map.Entry<PartitionKey, Slot> e : leases.entrySet()) {
            if (e.getValue().holder().isPresent() && group.map(g -> g.equals(e.getKey().group())).orElse(true)) {
                held.add(e.getValue().lease(e.getKey()));
            }
        }
        return held;
    }

    // ---- snapshot ----

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(SNAPSHOT_MAGIC);
        out.writeInt(SNAPSHOT_VERSION);
        out.writeInt(leases.size());
        for (Map.Entry<PartitionKey, Slot> e : leases.entrySet()) {
            PartitionKey k = e.getKey();
            Slot s = e.getValue();
            CoordinatorCodec.string(out, k.group());
            CoordinatorCodec.string(out, k.site());
            out.writeInt(k.partition());
            out.writeBoolean(s.holder().isPresent());
            if (s.holder().isPresent()) {
                CoordinatorCodec.string(out, s.holder().get());
            }
            out.writeLong(s.epoch());
            out.writeLong(s.expiresAtMillis());
        }
        out.writeInt(sites.size());
        for (SiteRecord site : sites.values()) {
            CoordinatorCodec.site(out, site);
        }
        writePairs(out, decisions);
        writePairs(out, frontiers);
        int count = 0;
        for (TreeMap<Long, KeyBlock> of : blocks.values()) {
            count += of.size();
        }
        out.writeInt(count);
        for (TreeMap<Long, KeyBlock> of : blocks.values()) {
            for (KeyBlock block : of.values()) {
                CoordinatorCodec.keyBlock(out, block);
            }
        }
    }

    /** Replaces this state with the one {@link #writeTo} wrote. */
    void readFrom(DataInput in) throws IOException {
        int magic = in.readInt();
        int version = in.readInt();
        if (magic != SNAPSHOT_MAGIC || (version != SNAPSHOT_VERSION && version != SNAPSHOT_VERSION_WITHOUT_BLOCKS)) {
            throw new IOException("not a coordinator snapshot of version " + SNAPSHOT_VERSION_WITHOUT_BLOCKS + " or "
                    + SNAPSHOT_VERSION + " (magic "
                    + Integer.toHexString(magic) + ", version " + version + ")");
        }
        clear();
        int n = CoordinatorCodec.count(in);
        for (int i = 0; i < n; i++) {
            PartitionKey key = new PartitionKey(CoordinatorCodec.string(in), CoordinatorCodec.string(in), in.readInt());
            Optional<String> holder = in.readBoolean() ? Optional.of(CoordinatorCodec.string(in)) : Optional.empty();
            leases.put(key, new Slot(holder, in.readLong(), in.readLong()));
        }
        n = CoordinatorCodec.count(in);
        for (int i = 0; i < n; i++) {
            SiteRecord site = CoordinatorCodec.site(in);
            sites.put(new Pair(site.group(), site.site()), site);
        }
        readPairs(in, decisions);
        readPairs(in, frontiers);
        if (version >= 2) {
            n = CoordinatorCodec.count(in);
            for (int i = 0; i < n; i++) {
                KeyBlock block = CoordinatorCodec.keyBlock(in);
                blocks.computeIfAbsent(new Pair(block.group(), block.sequence()), k -> new TreeMap<>())
                        .put(block.start(), block);
            }
        }
    }

    void clear() {
        leases.clear();
        sites.clear();
        decisions.clear();
        frontiers.clear();
        blocks.clear();
    }

    private static void writePairs(DataOutput out, TreeMap<Pair, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<Pair, String> e : map.entrySet()) {
            CoordinatorCodec.string(out, e.getKey().first());
            CoordinatorCodec.string(out, e.getKey().second());
            CoordinatorCodec.string(out, e.getValue());
        }
    }

    private static void readPairs(DataInput in, TreeMap<Pair, String> map) throws IOException {
        int n = CoordinatorCodec.count(in);
        for (int i = 0; i < n; i++) {
            map.put(new Pair(CoordinatorCodec.string(in), CoordinatorCodec.string(in)), CoordinatorCodec.string(in));
        }
    }
}
