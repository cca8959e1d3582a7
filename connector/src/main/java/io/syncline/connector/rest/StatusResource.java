package io.syncline.connector.rest;

import io.syncline.connector.metrics.ConnectorMetrics;
import io.syncline.connector.metrics.SinkTaskMetrics;
import io.syncline.connector.metrics.SourceTaskMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.MBeanServer;

/**
 * {@code GET /syncline/status[?group=G]}: every site with a Syncline connector on the cluster,
 * with connector and task states, what its database says, and the metrics of its tasks that run in
 * this worker. An unreachable database shows as {@code "reachable": false} with the reason.
 */
@Path("/syncline/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    private final SiteDirectory directory;
    private final SiteFanOut fanOut;
    private final MBeanServer mbeans;

    StatusResource(SiteDirectory directory, SiteFanOut fanOut, MBeanServer mbeans) {
        this.directory = directory;
        this.fanOut = fanOut;
        this.mbeans = mbeans;
    }

    @GET
    public Response status(@QueryParam("group") String group) {
        List<SiteDirectory.Site> sites;
        try {
            sites = directory.sites(blankToNull(group));
        } catch (RuntimeException e) {
            return Responses.unavailable("the worker cannot list its connectors now (" + e.getMessage()
                    + "); try again in a few seconds");
        }
        Map<SiteDirectory.Site, SiteFanOut.Outcome<SiteStatus.DatabaseStatus>> databases = fanOut.each(sites,
                site -> site.database().isPresent() ? site.database().get().status()
                        : SiteStatus.DatabaseStatus.unreachable(null, site.configProblem()));
        Map<SiteDirectory.Site, SiteFanOut.Outcome<Optional<List<Map<String, Object>>>>> keys = fanOut.each(sites,
                StatusResource::keys);
        List<SiteStatus> statuses = new ArrayList<>();
        for (SiteDirectory.Site site : sites) {
            SiteFanOut.Outcome<SiteStatus.DatabaseStatus> outcome = databases.get(site);
            SiteStatus.DatabaseStatus db = outcome.ok() ? outcome.value()
                    : SiteStatus.DatabaseStatus.unreachable(site.database().map(SiteDatabase::address).orElse(null),
                            outcome.error());
            statuses.add(new SiteStatus(site.group(), site.site(), site.connectors(), db,
                    metrics(site, SinkTaskMetrics.CONTEXT), metrics(site, SourceTaskMetrics.CONTEXT),
                    keys.get(site).ok() ? keys.get(site).value() : Optional.empty()));
        }
        return Response.ok(render(statuses, Instant.now())).build();
    }

    /** The site's generated keys; empty without a source connector or a reachable database. */
    private static Optional<List<Map<String, Object>>> keys(SiteDirectory.Site site) throws Exception {
        if (site.keys().isEmpty() || site.database().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(site.database().get().keys(site.keys().get()));
    }

    static Map<String, Object> render(List<SiteStatus> statuses, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("time", now.toString());
        body.put("running", !statuses.isEmpty() && statuses.stream().allMatch(SiteStatus::running));
        body.put("sites", statuses.stream().map(SiteStatus::toJson).toList());
        return body;
    }

    private Optional<Map<String, Object>> metrics(SiteDirectory.Site site, String context) {
        Map<String, Object> sum = null;
        for (SiteStatus.ConnectorStatus c : site.connectors()) {
            if (c.type().equals(context)) {
                Optional<Map<String, Object>> m = ConnectorMetrics.read(mbeans, context, c.name());
                if (m.isPresent()) {
                    sum = m.get();
                }
            }
        }
        return Optional.ofNullable(sum);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
