package io.syncline.connector.rest;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.CoordinatorException;
import io.syncline.conflict.coordinator.CoordinatorStatus;
import io.syncline.conflict.coordinator.PartitionLease;
import io.syncline.conflict.coordinator.PeerStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /syncline/coordinator} and {@code /syncline/leases}: what the Raft coordinator knows. */
@Path("/syncline")
@Produces(MediaType.APPLICATION_JSON)
public class CoordinatorResource {

    private final CoordinatorClient client;

    public CoordinatorResource(CoordinatorClient client) {
        this.client = client;
    }

    @GET
    @Path("/coordinator")
    public Response coordinator() {
        if (client == null) {
            return notConfigured();
        }
        try {
            CoordinatorStatus status = client.status();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("leader", status.leader().orElse(null));
            body.put("term", status.term());
            body.put("commitIndex", status.commitIndex());
            List<Map<String, Object>> peers = new ArrayList<>();
            for (PeerStatus peer : status.peers()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("id", peer.id());
                p.put("address", peer.address());
                p.put("reachable", peer.reachable());
                p.put("role", peer.role());
                p.put("term", peer.term());
                p.put("commitIndex", peer.commitIndex());
                p.put("appliedIndex", peer.appliedIndex());
                peers.add(p);
            }
            body.put("peers", peers);
            return Response.ok(body).build();
        } catch (CoordinatorException e) {
            return unavailable(e);
        }
    }

    @GET
    @Path("/leases")
    public Response leases() {
        if (client == null) {
            return notConfigured();
        }
        try {
            List<Map<String, Object>> leases = new ArrayList<>();
            for (PartitionLease lease : client.leases()) {
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("group", lease.group());
                l.put("site", lease.site());
                l.put("partition", lease.partition());
                l.put("holder", lease.holder());
                l.put("epoch", lease.epoch());
                l.put("expiresAtMillis", lease.expiresAtMillis());
                leases.add(l);
            }
            return Response.ok(Map.of("leases", leases)).build();
        } catch (CoordinatorException e) {
            return unavailable(e);
        }
    }

    private static Response notConfigured() {
        return Response.status(Response.Status.NOT_FOUND).entity(Map.of("error_code", 404, "message",
                "this worker has no Syncline coordinator: set syncline.coordinator.peers in the worker config")).build();
    }

    private static Response unavailable(CoordinatorException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .entity(Map.of("error_code", 503, "message", String.valueOf(e.getMessage()))).build();
    }
}
