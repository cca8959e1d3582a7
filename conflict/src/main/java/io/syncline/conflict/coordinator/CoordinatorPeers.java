package io.syncline.conflict.coordinator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * The peers of the coordinator group, id to {@code host:port}, in the order they were given, and
 * their text form {@code n1=127.0.0.1:9871,n2=127.0.0.1:9872,n3=127.0.0.1:9873}.
 *
 * <pre>{@code
 * CoordinatorPeers peers = CoordinatorPeers.parse("n1=10.0.0.1:9871,n2=10.0.0.2:9871,n3=10.0.0.3:9871");
 * peers.addresses().get("n2");   // "10.0.0.2:9871"
 * }</pre>
 *
 * @param addresses peer id to host:port, in the order given
 */
public record CoordinatorPeers(Map<String, String> addresses) {

    /** Every coordinator group has this id, derived from its name, so peers and clients agree on it. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("syncline-coordinator".getBytes(
            StandardCharsets.UTF_8)));

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");

    /** Checks every id and address and keeps the order. */
    public CoordinatorPeers {
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("coordinator peers were empty: name at least one as id=host:port");
        }
        addresses.forEach(CoordinatorPeers::check);
        addresses = Collections.unmodifiableMap(new LinkedHashMap<>(addresses));
    }

    /** Parses {@code id=host:port} pairs separated by commas; the message of an error names the bad part. */
    public static CoordinatorPeers parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("coordinator peers were " + (spec == null ? "null" : "blank")
                    + ": expected id=host:port,... such as n1=127.0.0.1:9871,n2=127.0.0.1:9872,n3=127.0.0.1:9873");
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("coordinator peer '" + p + "' in '" + spec
                        + "' is not id=host:port, e.g. n1=127.0.0.1:9871");
            }
            String id = p.substring(0, eq).trim();
            String address = p.substring(eq + 1).trim();
            if (addresses.putIfAbsent(id, address) != null) {
                throw new IllegalArgumentException("coordinator peer id " + id + " appears twice in '" + spec + "'");
            }
        }
        return new CoordinatorPeers(addresses);
    }

    /** The ids, in order. */
    public List<String> ids() {
        return new ArrayList<>(addresses.keySet());
    }

    /** The text form that {@link #parse} reads. */
    public String spec() {
        return addresses.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return spec();
    }

    static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    static String host(String address) {
        return address.substring(0, address.lastIndexOf(':'));
    }

    RaftGroup group() {
        List<RaftPeer> peers = new ArrayList<>();
        addresses.forEach((id, address) -> peers.add(RaftPeer.newBuilder().setId(id).setAddress(address).build()));
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    static RaftPeerId peerId(String id) {
        return RaftPeerId.valueOf(id);
    }

    private static void check(String id, String address) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("coordinator peer id was '" + id
                    + "', must be letters, digits, '_', '.' or '-'");
        }
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("address of coordinator peer " + id + " was '" + address
                    + "', must be host:port");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address of coordinator peer " + id + " was '" + address
                    + "': the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("address of coordinator peer " + id + " was '" + address
                    + "': the port must be between 1 and 65535");
        }
    }
}
