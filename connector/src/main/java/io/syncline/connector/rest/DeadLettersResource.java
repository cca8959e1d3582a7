package io.syncline.connector.rest;

import io.syncline.connector.deadletter.DeadLetterLog;
import io.syncline.connector.deadletter.DeadLetterReplay;
import io.syncline.connector.deadletter.KafkaSettings;
import io.syncline.core.ChangeEvent;
import io.syncline.core.RowId;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.apply.ColumnJson;
import io.syncline.core.apply.RowMetaTable;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.health.ConnectClusterState;

/**
 * {@code GET /syncline/deadletters[?group=G][&site=S][&limit=N][&values=true]}: per site, the newest
 * changes its sink refused (from its dead-letter topic), each with the reason, the table, key, origin,
 * dot and vector, and whether the site holds that version (or a newer one) by now. The row's column
 * values are left out unless {@code values=true}, as {@code syncline changes --no-values} leaves them
 * out. {@code POST /syncline/deadletters/replay?site=S[&group=G]} replays the site's dead-letter topic
 * onto the changes topic, as {@code syncline replay} does ({@link DeadLetterReplay}).
 */
@Path("/syncline/deadletters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {

    /** The sink's own dead-letter topic setting (Connect's), else the samples' {@code <group>.dlq.<site>}. */
    static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";

    private static final Duration READ_DEADLINE = Duration.ofSeconds(20);
    private static final Duration REPLAY_DEADLINE = Duration.ofSeconds(60);

    private final SiteDirectory directory;
    private final SiteFanOut fanOut;
    private final ConnectClusterState cluster;
    private final KafkaSettings kafka;

    /** @param kafka null when the worker config names no bootstrap servers (then every call says so) */
    DeadLettersResource(SiteDirectory directory, SiteFanOut fanOut, ConnectClusterState cluster, KafkaSettings kafka) {
        this.directory = directory;
        this.fanOut = fanOut;
        this.cluster = cluster;
        this.kafka = kafka;
    }

    @GET
    public Response deadLetters(@QueryParam("group") String group, @QueryParam("site") String site,
            @QueryParam("limit") String limit, @QueryParam("values") String values) {
        if (kafka == null) {
            return Responses.unavailable("this worker's config names no bootstrap.servers; dead letters cannot be read");
        }
        int n;
        try {
            n = ConflictsResource.limit(limit);
        } catch (IllegalArgumentException e) {
            return Responses.badRequest(e.getMessage());
        }
        boolean showValues = "true".equalsIgnoreCase(StatusResource.blankToNull(values));
        List<SiteDirectory.Site> sites;
        try {
            sites = directory.sites(StatusResource.blankToNull(group)).stream()
                    .filter(s -> StatusResource.blankToNull(site) == null || s.site().equals(site.trim())).toList();
        } catch (RuntimeException e) {
            return Responses.unavailable("the worker cannot list its connectors now (" + e.getMessage()
                    + "); try again in a few seconds");
        }
        DeadLetterLog log = new DeadLetterLog(kafka);
        Map<SiteDirectory.Site, SiteFanOut.Outcome<Map<String, Object>>> outcomes = fanOut.each(sites,
                s -> siteLetters(s, log.newest(topic(s), n, READ_DEADLINE), showValues));
        List<Map<String, Object>> siteList = new ArrayList<>();
        for (Map.Entry<SiteDirectory.Site, SiteFanOut.Outcome<Map<String, Object>>> e : outcomes.entrySet()) {
            Map<String, Object> entry = ConflictsResource.siteEntry(e.getKey(), e.getValue());
            entry.put("topic", topic(e.getKey()));
            if (e.getValue().ok()) {
                entry.putAll(e.getValue().value());
            }
            siteList.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("values", showValues);
        body.put("limit", n);
        body.put("sites", siteList);
        return Response.ok(body).build();
    }

    @POST
    @Path("/replay")
    public Response replay(@QueryParam("site") String site, @QueryParam("group") String group) {
        if (kafka == null) {
            return Responses.unavailable("this worker's config names no bootstrap.servers; nothing can be replayed");
        }
        if (StatusResource.blankToNull(site) == null) {
            return Responses.badRequest("give ?site=<site id> (the site whose dead-letter topic to replay)");
        }
        SiteDirectory.Lookup found = directory.one(StatusResource.blankToNull(group), site.trim());
        if (found.problem() != null) {
            return Responses.badRequest(found.problem());
        }
        SiteDirectory.Site target = found.site();
        DeadLetterReplay.Result result;
        try {
            result = new DeadLetterReplay(kafka).replay(topic(target), SyncGroupNames.of(target.group()).changesTopic(),
                    REPLAY_DEADLINE);
        } catch (RuntimeException e) {
            return Responses.unavailable("replaying " + topic(target) + " failed: " + e.getMessage()
                    + "; replaying again is harmless");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("group", target.group());
        body.put("site", target.site());
        body.put("topic", result.deadLetterTopic());
        body.put("changesTopic", result.changesTopic());
        body.put("topicExists", result.topicExists());
        body.put("replayed", result.replayed());
        body.put("left", result.left());
        return Response.ok(body).build();
    }

    /** The site's dead-letter topic: its sink's setting, else the name the samples give it. */
    String topic(SiteDirectory.Site site) {
        for (SiteStatus.ConnectorStatus c : site.connectors()) {
            if (c.type().equals("sink")) {
                try {
                    String configured = StatusResource.blankToNull(cluster.connectorConfig(c.name()).get(DLQ_TOPIC));
                    if (configured != null) {
                        return configured;
                    }
                } catch (RuntimeException e) {
                    // deleted while we looked: the default name below
                }
            }
        }
        return SyncGroupNames.of(site.group()).deadLetterTopic(site.site());
    }

    private static Map<String, Object> siteLetters(SiteDirectory.Site site, DeadLetterLog.Listing listing,
            boolean values) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topicExists", listing.topicExists());
        out.put("total", listing.total());
        List<Map<String, Object>> letters = new ArrayList<>();
        Connection c = null;
        try {
            if (site.database().isPresent() && listing.letters().stream().anyMatch(d -> d.change().isPresent())) {
                try {
                    c = site.database().get().open();
                } catch (Exception e) {
                    out.put("databaseError", e.getMessage());
                }
            }
            for (DeadLetterLog.DeadLetter d : listing.letters()) {
                letters.add(render(d, c, values));
            }
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // read-only; nothing to lose
                }
            }
        }
        out.put("deadLetters", letters);
        return out;
    }

    static Map<String, Object> render(DeadLetterLog.DeadLetter d, Connection site, boolean values) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("partition", d.partition());
        j.put("offset", d.offset());
        j.put("time", d.timestamp() < 0 ? null : Instant.ofEpochMilli(d.timestamp()).toString());
        j.put("recordKey", d.recordKey());
        j.put("reason", d.reason());
        j.put("exception", d.exceptionClass());
        j.put("source", d.sourceTopic() == null ? null
                : d.sourceTopic() + "-" + d.sourcePartition() + "@" + d.sourceOffset());
        if (d.change().isEmpty()) {
            j.put("unreadable", d.unreadable());
            return j;
        }
        ChangeEvent e = d.change().get();
        j.put("table", e.table());
        j.put("key", e.key());
        j.put("op", e.op().name().toLowerCase(Locale.ROOT));
        j.put("origin", e.origin().value());
        j.put("dot", e.dot().key());
        j.put("vv", e.vv().encode());
        j.put("held", site == null ? null : held(site, e));
        if (values) {
            j.put("columns", ColumnJson.render(e.columns()));
        }
        return j;
    }

    /** Whether the site holds this version or a newer one: a replay would change nothing there. */
    private static Boolean held(Connection site, ChangeEvent e) {
        try {
            Optional<RowMetaTable.Stored> meta = RowMetaTable.read(site, new RowId(e.table(), e.key()));
            return meta.isPresent() && e.vv().dominatedBy(meta.get().entry().version().vv());
        } catch (Exception ex) {
            return null;
        }
    }
}
