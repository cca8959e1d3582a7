package io.syncline.conflict.coordinator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The binary form of commands, queries and replies: a format byte, a type byte, then the fields
 * (strings as a length and UTF-8 bytes). Compact, versioned, and free of Java serialization, so a
 * log written today can be read by tomorrow's peers. Decoding checks every field and that nothing
 * trails the message; anything else is a {@link MalformedMessageException}.
 */
final class CoordinatorCodec {

    static final byte FORMAT = 1;
    private static final int MAX_STRING_BYTES = 1 << 20;
    private static final int MAX_ITEMS = 1 << 20;

    private static final byte ACQUIRE = 1;
    private static final byte RENEW = 2;
    private static final byte RELEASE = 3;
    private static final byte REGISTER_SITE = 4;
    private static final byte DECIDE = 5;
    private static final byte REPORT_FRONTIER = 6;
    private static final byte ALLOCATE_KEY_BLOCK = 7;

    private static final byte Q_LEASES = 11;
    private static final byte Q_SITES = 12;
    private static final byte Q_DECISION = 13;
    private static final byte Q_FRONTIERS = 14;
    private static final byte Q_KEY_BLOCKS = 15;

    private static final byte R_GRANTED = 21;
    private static final byte R_REFUSED = 22;
    private static final byte R_RENEWED = 23;
    private static final byte R_LOST = 24;
    private static final byte R_RELEASED = 25;
    private static final byte R_ACCEPTED = 26;
    private static final byte R_DECIDED = 27;
    private static final byte R_BLOCK_ALLOCATED = 28;
    private static final byte R_NO_BLOCK = 29;
    private static final byte R_LEASE_LIST = 31;
    private static final byte R_SITE_LIST = 32;
    private static final byte R_RECORDED_DECISION = 33;
    private static final byte R_FRONTIER_MAP = 34;
    private static final byte R_KEY_BLOCK_LIST = 35;

    /** A message that is not a well-formed command, query or reply of this format. */
    static final class MalformedMessageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private CoordinatorCodec() {
    }

    static byte[] encode(CoordinatorCommand command) {
        return write(out -> {
            if (command instanceof CoordinatorCommand.Acquire a) {
                out.writeByte(ACQUIRE);
                partition(out, a.group(), a.site(), a.partition());
                string(out, a.holder());
                out.writeLong(a.ttlMillis());
                out.writeLong(a.nowMillis());
            } else if (command instanceof CoordinatorCommand.Renew r) {
                out.writeByte(RENEW);
                partition(out, r.group(), r.site(), r.partition());
                string(out, r.holder());
                out.writeLong(r.epoch());
                out.writeLong(r.ttlMillis());
                out.writeLong(r.nowMillis());
            } else if (command instanceof CoordinatorCommand.Release r) {
                out.writeByte(RELEASE);
                partition(out, r.group(), r.site(), r.partition());
                string(out, r.holder());
                out.writeLong(r.epoch());
            } else if (command instanceof CoordinatorCommand.RegisterSite r) {
                out.writeByte(REGISTER_SITE);
                site(out, r.site());
            } else if (command instanceof CoordinatorCommand.Decide d) {
                out.writeByte(DECIDE);
                string(out, d.group());
                string(out, d.key());
                string(out, d.proposal());
            } else if (command instanceof CoordinatorCommand.ReportFrontier f) {
                out.writeByte(REPORT_FRONTIER);
                string(out, f.group());
                string(out, f.site());
                string(out, f.versionVector());
            } else if (command instanceof CoordinatorCommand.AllocateKeyBlock a) {
                out.writeByte(ALLOCATE_KEY_BLOCK);
                string(out, a.group());
                string(out, a.sequence());
                string(out, a.site());
                out.writeLong(a.blockSize());
                out.writeLong(a.floor());
                string(out, a.requestId());
            } else {
                throw new IllegalArgumentException("not a coordinator command: " + command);
            }
        });
    }


    static CoordinatorCommand decodeCommand(byte[] bytes) {
        return read("command", bytes, in -> {
            byte type = in.readByte();
            return switch (type) {
                case ACQUIRE -> new CoordinatorCommand.Acquire(string(in), string(in), in.readInt(), string(in),
                        in.readLong(), in.readLong());
                case RENEW -> new CoordinatorCommand.Renew(string(in), string(in), in.readInt(), string(in),
                        in.readLong(), in.readLong(), in.readLong());
                case RELEASE -> new CoordinatorCommand.Release(string(in), string(in), in.readInt(), string(in),
                        in.readLong());
                case REGISTER_SITE -> new CoordinatorCommand.RegisterSite(site(in));
                case DECIDE -> new CoordinatorCommand.Decide(string(in), string(in), string(in));
                case REPORT_FRONTIER -> new CoordinatorCommand.ReportFrontier(string(in), string(in), string(in));
                case ALLOCATE_KEY_BLOCK -> new CoordinatorCommand.AllocateKeyBlock(string(in), string(in), string(in),
                        in.readLong(), in.readLong(), string(in));
                default -> throw new IllegalArgumentException("unknown command type " + type);
            };
        });
    }

    static byte[] encode(CoordinatorQuery query) {
        return write(out -> {
            if (query instanceof CoordinatorQuery.Leases l) {
                out.writeByte(Q_LEASES);
                optional(out, l.group());
            } else if (query instanceof CoordinatorQuery.Sites) {
                out.writeByte(Q_SITES);
            } else if (query instanceof CoordinatorQuery.Decision d) {
                out.writeByte(Q_DECISION);
                string(out, d.group());
                string(out, d.key());
            } else if (query instanceof CoordinatorQuery.Frontiers f) {
                out.writeByte(Q_FRONTIERS);
                string(out, f.group());
            } else if (query instanceof CoordinatorQuery.KeyBlocks k) {
                out.writeByte(Q_KEY_BLOCKS);
                string(out, k.group());
                string(out, k.sequence());
            } else {
                throw new IllegalArgumentException("not a coordinator query: " + query);
            }
        });
    }


    static CoordinatorQuery decodeQuery(byte[] bytes) {
        return read("query", bytes, in -> {
            byte type = in.readByte();
            return switch (type) {
                case Q_LEASES -> new CoordinatorQuery.Leases(optional(in));
                case Q_SITES -> new CoordinatorQuery.Sites();
                case Q_DECISION -> new CoordinatorQuery.Decision(string(in), string(in));
                case Q_FRONTIERS -> new CoordinatorQuery.Frontiers(string(in));
                case Q_KEY_BLOCKS -> new CoordinatorQuery.KeyBlocks(string(in), string(in));
                default -> throw new IllegalArgumentException("unknown query type " + type);
            };
        });
    }

    static byte[] encode(CoordinatorReply reply) {
        return write(out -> {
            if (reply instanceof CoordinatorReply.Granted g) {
                out.writeByte(R_GRANTED);
                lease(out, g.lease());
            } else if (reply instanceof CoordinatorReply.Refused r) {
                out.writeByte(R_REFUSED);
                lease(out, r.current());
            } else if (reply instanceof CoordinatorReply.Renewed r) {
                out.writeByte(R_RENEWED);
                lease(out, r.lease());
            } else if (reply instanceof CoordinatorReply.Lost l) {
                out.writeByte(R_LOST);
                out.writeBoolean(l.current().isPresent());
                if (l.current().isPresent()) {
                    lease(out, l.current().get());
                }
            } else if (reply instanceof CoordinatorReply.Released r) {
                out.writeByte(R_RELEASED);
                out.writeBoolean(r.released());
            } else if (reply instanceof CoordinatorReply.Accepted) {
                out.writeByte(R_ACCEPTED);
            } else if (reply instanceof CoordinatorReply.Decided d) {
                out.writeByte(R_DECIDED);
                string(out, d.decision());
            } else if (reply instanceof CoordinatorReply.LeaseList l) {
                out.writeByte(R_LEASE_LIST);
                out.writeInt(l.leases().size());
                for (PartitionLease lease : l.leases()) {
                    lease(out, lease);
                }
            } else if (reply instanceof CoordinatorReply.SiteList sl) {
                out.writeByte(R_SITE_LIST);
                out.writeInt(sl.sites().size());
                for (SiteRecord site : sl.sites()) {
                    site(out, site);
                }
            } else if (reply instanceof CoordinatorReply.RecordedDecision d) {
                out.writeByte(R_RECORDED_DECISION);
                optional(out, d.decision());
            } else if (reply instanceof CoordinatorReply.FrontierMap f) {
                out.writeByte(R_FRONTIER_MAP);
                out.writeInt(f.frontiers().size());
                for (var e : f.frontiers().entrySet()) {
                    string(out, e.getKey());
                    string(out, e.getValue());
                }
            } else if (reply instanceof CoordinatorReply.BlockAllocated b) {
                out.writeByte(R_BLOCK_ALLOCATED);
                keyBlock(out, b.block());
            } else if (reply instanceof CoordinatorReply.NoBlock b) {
                out.writeByte(R_NO_BLOCK);
                string(out, b.reason());
            } else if (reply instanceof CoordinatorReply.KeyBlockList l) {
                out.writeByte(R_KEY_BLOCK_LIST);
                out.writeInt(l.blocks().size());
                for (KeyBlock block : l.blocks()) {
                    keyBlock(out, block);
                }
            } else {
                throw new IllegalArgumentException("not a coordinator reply: " + reply);
            }
        });
    }


    static CoordinatorReply decodeReply(byte[] bytes) {
        return read("reply", bytes, in -> {
            byte type = in.readByte();
            return switch (type) {
                case R_GRANTED -> new CoordinatorReply.Granted(lease(in));
                case R_REFUSED -> new CoordinatorReply.Refused(lease(in));
                case R_RENEWED -> new CoordinatorReply.Renewed(lease(in));
                case R_LOST -> new CoordinatorReply.Lost(in.readBoolean() ? Optional.of(lease(in)) : Optional.empty());
                case R_RELEASED -> new CoordinatorReply.Released(in.readBoolean());
                case R_ACCEPTED -> new CoordinatorReply.Accepted();
                case R_DECIDED -> new CoordinatorReply.Decided(string(in));
                case R_LEASE_LIST -> {
                    int n = count(in);
                    List<PartitionLease> leases = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        leases.add(lease(in));
                    }
                    yield new CoordinatorReply.LeaseList(leases);
                }
                case R_SITE_LIST -> {
                    int n = count(in);
                    List<SiteRecord> sites = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        sites.add(site(in));
                    }
                    yield new CoordinatorReply.SiteList(sites);
                }
                case R_RECORDED_DECISION -> new CoordinatorReply.RecordedDecision(optional(in));
                case R_FRONTIER_MAP -> {
                    int n = count(in);
                    TreeMap<String, String> frontiers = new TreeMap<>();
                    for (int i = 0; i < n; i++) {
                        frontiers.put(string(in), string(in));
                    }
                    yield new CoordinatorReply.FrontierMap(frontiers);
                }
                case R_BLOCK_ALLOCATED -> new CoordinatorReply.BlockAllocated(keyBlock(in));
                case R_NO_BLOCK -> new CoordinatorReply.NoBlock(string(in));
                case R_KEY_BLOCK_LIST -> {
                    int n = count(in);
                    List<KeyBlock> blocks = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        blocks.add(keyBlock(in));
                    }
                    yield new CoordinatorReply.KeyBlockList(blocks);
                }
                default -> throw new IllegalArgumentException("unknown reply type " + type);
            };
        });
    }

    // ---- field writers and readers, shared with the snapshot format ----

    static void lease(DataOutput out, PartitionLease lease) throws IOException {
        partition(out, lease.group(), lease.site(), lease.partition());
        string(out, lease.holder());
        out.writeLong(lease.epoch());
        out.writeLong(lease.expiresAtMillis());
    }

    static PartitionLease lease(DataInput in) throws IOException {
        return new PartitionLease(string(in), string(in), in.readInt(), string(in), in.readLong(), in.readLong());
    }

    static void keyBlock(DataOutput out, KeyBlock block) throws IOException {
        string(out, block.group());
        string(out, block.sequence());
        string(out, block.site());
        out.writeLong(block.start());
        out.writeLong(block.end());
        string(out, block.requestId());
    }

    static KeyBlock keyBlock(DataInput in) throws IOException {
        return new KeyBlock(string(in), string(in), string(in), in.readLong(), in.readLong(), string(in));
    }

    static void site(DataOutput out, SiteRecord site) throws IOException {
        string(out, site.group());
        string(out, site.site());
        string(out, site.engine());
        out.writeInt(site.priority());
        string(out, site.state().name());
    }

    static SiteRecord site(DataInput in) throws IOException {
        return new SiteRecord(string(in), string(in), string(in), in.readInt(), SiteState.valueOf(string(in)));
    }

    static void string(DataOutput out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("a coordinator string was " + bytes.length + " bytes, must be at most "
                    + MAX_STRING_BYTES);
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String string(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string length " + n + " is out of range");
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static int count(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new IllegalArgumentException("item count " + n + " is out of range");
        }
        return n;
    }

    private static void partition(DataOutput out, String group, String site, int partition) throws IOException {
        string(out, group);
        string(out, site);
        out.writeInt(partition);
    }

    private static void optional(DataOutput out, Optional<String> value) throws IOException {
        out.writeBoolean(value.isPresent());
        if (value.isPresent()) {
            string(out, value.get());
        }
    }

    private static Optional<String> optional(DataInput in) throws IOException {
        return in.readBoolean() ? Optional.of(string(in)) : Optional.empty();
    }

    @FunctionalInterface
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(String what, byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("format " + format + " is not " + FORMAT);
            }
            T value = reader.read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " bytes trail the " + what);
            }
            return value;
        } catch (EOFException e) {
            throw new MalformedMessageException("a coordinator " + what + " of " + bytes.length
                    + " bytes ends early", e);
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException("a coordinator " + what + " of " + bytes.length
                    + " bytes is malformed: " + e.getMessage(), e);
        }
    }
}
