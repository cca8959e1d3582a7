package io.syncline.conflict.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CoordinatorCodecTest {

    private static final PartitionLease LEASE = new PartitionLease("orders", "east", 3, "east-sink-0/7f3a", 4, 1_700_000_010_000L);
    private static final SiteRecord SITE = new SiteRecord("orders", "west", "mariadb", -2, SiteState.PAUSED);

    private static final KeyBlock BLOCK = new KeyBlock("orders", "public.tickets.id", "east", 1, Long.MAX_VALUE, "r1");

    static List<CoordinatorCommand> commands() {
        return List.of(
                new CoordinatorCommand.Acquire("orders", "east", 3, "east-sink-0/7f3a", 10_000, 1_700_000_000_000L),
                new CoordinatorCommand.Renew("orders", "east", 0, "h", 7, 1, 0),
                new CoordinatorCommand.Release("orders", "east", Integer.MAX_VALUE, "h", Long.MAX_VALUE),
                new CoordinatorCommand.RegisterSite(SITE),
                new CoordinatorCommand.Decide("orders", "public.orders/42@a1b2", "{\"winner\":\"west\",\"näme\":\"Zoë ✓\"}"),
                new CoordinatorCommand.Decide("orders", "k", ""),
                new CoordinatorCommand.ReportFrontier("orders", "east", "{\"east\":12,\"west\":9}"),
                new CoordinatorCommand.AllocateKeyBlock("orders", "public.tickets.id", "east", 10_000, 1_234,
                        "east/public.tickets.id/after:9223372036854775807"));
    }

    @Test
    void everyCommandSurvivesARoundTrip() {
        for (CoordinatorCommand command : commands()) {
            assertThat(CoordinatorCodec.decodeCommand(CoordinatorCodec.encode(command))).isEqualTo(command);
        }
    }

    @Test
    void everyQuerySurvivesARoundTrip() {
        for (CoordinatorQuery query : List.of(new CoordinatorQuery.Leases(Optional.empty()),
                new CoordinatorQuery.Leases(Optional.of("orders")), new CoordinatorQuery.Sites(),
                new CoordinatorQuery.Decision("orders", "k"), new CoordinatorQuery.Frontiers("orders"),
                new CoordinatorQuery.KeyBlocks("orders", "public.tickets.id"))) {
            assertThat(CoordinatorCodec.decodeQuery(CoordinatorCodec.encode(query))).isEqualTo(query);
        }
    }

    @Test
    void everyReplySurvivesARoundTrip() {
        TreeMap<String, String> frontiers = new TreeMap<>();
        frontiers.put("east", "{\"east\":3}");
        frontiers.put("west", "{}");
        for (CoordinatorReply reply : List.of(new CoordinatorReply.Granted(LEASE), new CoordinatorReply.Refused(LEASE),
                new CoordinatorReply.Renewed(LEASE), new CoordinatorReply.Lost(Optional.of(LEASE)),
                new CoordinatorReply.Lost(Optional.empty()), new CoordinatorReply.Released(true),
                new CoordinatorReply.Released(false), new CoordinatorReply.Accepted(), new CoordinatorReply.Decided("d"),
                new CoordinatorReply.LeaseList(List.of(LEASE, LEASE)), new CoordinatorReply.LeaseList(List.of()),
                new CoordinatorReply.SiteList(List.of(SITE)), new CoordinatorReply.RecordedDecision(Optional.of("d")),
                new CoordinatorReply.RecordedDecision(Optional.empty()), new CoordinatorReply.FrontierMap(frontiers),
                new CoordinatorReply.BlockAllocated(BLOCK), new CoordinatorReply.NoBlock("used up"),
                new CoordinatorReply.KeyBlockList(List.of(BLOCK, BLOCK)), new CoordinatorReply.KeyBlockList(List.of()))) {
            assertThat(CoordinatorCodec.decodeReply(CoordinatorCodec.encode(reply))).isEqualTo(reply);
        }
    }

    @Test
    void aCommandIsCompact() {
        byte[] acquire = CoordinatorCodec.encode(commands().get(0));
        // format + type + 4 length-prefixed strings (6+4+16 chars) + partition + ttl + now
        assertThat(acquire).hasSize(2 + 4 * 3 + 6 + 4 + 16 + 4 + 8 + 8);
        assertThat(acquire[0]).isEqualTo(CoordinatorCodec.FORMAT);
    }

    @Test
    void malformedBytesAreRejectedWithAMessage() {
        byte[] good = CoordinatorCodec.encode(commands().get(0));
        assertMalformed(new byte[0], "ends early");
        assertMalformed(new byte[] {CoordinatorCodec.FORMAT}, "ends early");
        assertMalformed(new byte[] {9, 1}, "format 9");
        assertMalformed(new byte[] {CoordinatorCodec.FORMAT, 99}, "unknown command type 99");
        assertMalformed(Arrays.copyOf(good, good.length - 1), "ends early");
        assertMalformed(Arrays.copyOf(good, good.length + 2), "2 bytes trail the command");
        assertMalformed("not a command".getBytes(), "malformed");
        assertThatThrownBy(() -> CoordinatorCodec.decodeQuery(good)).hasMessageContaining("unknown query type 1");
    }

    @Test
    void aWellFormedButInvalidCommandIsRejectedNamingTheField() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(CoordinatorCodec.FORMAT);
        out.writeByte(1); // acquire
        CoordinatorCodec.string(out, "orders");
        CoordinatorCodec.string(out, "east");
        out.writeInt(-1);
        CoordinatorCodec.string(out, "h");
        out.writeLong(1000);
        out.writeLong(0);
        assertMalformed(bytes.toByteArray(), "partition was -1");
    }

    @Test
    void hugeLengthsAreRejectedBeforeAllocating() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(CoordinatorCodec.FORMAT);
        out.writeByte(5); // decide
        out.writeInt(Integer.MAX_VALUE);
        assertMalformed(bytes.toByteArray(), "out of range");
    }

    @Test
    void commandsCheckTheirFields() {
        assertThatThrownBy(() -> new CoordinatorCommand.Acquire(" ", "east", 0, "h", 1, 0))
                .hasMessage("group was ' ', must not be blank");
        assertThatThrownBy(() -> new CoordinatorCommand.Acquire("g", "east", 0, "h", 0, 0))
                .hasMessageContaining("ttlMillis was 0");
        assertThatThrownBy(() -> new CoordinatorCommand.Acquire("g", "east", 0, "h", Long.MAX_VALUE, 1))
                .hasMessageContaining("overflow");
        assertThatThrownBy(() -> new CoordinatorCommand.Renew("g", "east", 0, "h", 0, 1, 0))
                .hasMessage("epoch was 0, must be >= 1");
        assertThatThrownBy(() -> new CoordinatorCommand.Decide("g", "k", null)).hasMessageContaining("proposal");
    }

    private static void assertMalformed(byte[] bytes, String message) {
        assertThatThrownBy(() -> CoordinatorCodec.decodeCommand(bytes))
                .isInstanceOf(CoordinatorCodec.MalformedMessageException.class)
                .hasMessageContaining(message);
    }
}
