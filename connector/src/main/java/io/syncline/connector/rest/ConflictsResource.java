package io.syncline.connector.rest;

import io.syncline.core.site.TableRef;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /syncline/conflicts[?table=schema.t][&limit=N][&group=G]}: the newest rows of every
 * site's conflict log, newest first (N defaults to 50, at most 1000), each with the site that
 * resolved it, the table, key, type, rule, winner, both origins and when it was detected. Sites that
 * did not answer are listed with the reason.
 */
@Path("/syncline/conflicts")
@Produces(MediaType.APPLICATION_JSON)
public class ConflictsResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final SiteDirectory directory;
    private final SiteFanOut fanOut;

    ConflictsResource(SiteDirectory directory, SiteFanOut fanOut) {
        this.directory = directory;
        this.fanOut = fanOut;
    }

    @GET
    public Response conflicts(@QueryParam("table") String table, @QueryParam("limit") String limit,
            @QueryParam("group") String group) {
        int n;
        try {
            n = limit(limit);
        } catch (IllegalArgumentException e) {
            return Responses.badRequest(e.getMessage());
        }
        String tableName = null;
        if (StatusResource.blankToNull(table) != null) {
            try {
                tableName = TableRef.parse(table.trim()).toString();
            } catch (IllegalArgumentException e) {
                return Responses.badRequest("table was '" + table + "': " + e.getMessage());
            }
        }
        List<SiteDirectory.Site> sites;
        try {
            sites = directory.sites(StatusResource.blankToNull(group));
        } catch (RuntimeException e) {
            return Responses.unavailable("the worker cannot list its connectors now (" + e.getMessage()
                    + "); try again in a few seconds");
        }
        String filter = tableName;
        Map<SiteDirectory.Site, SiteFanOut.Outcome<List<Map<String, Object>>>> outcomes = fanOut.each(sites,
                site -> database(site).recentConflicts(filter, n));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> siteList = new ArrayList<>();
        for (Map.Entry<SiteDirectory.Site, SiteFanOut.Outcome<List<Map<String, Object>>>> e : outcomes.entrySet()) {
            SiteDirectory.Site site = e.getKey();
            siteList.add(siteEntry(site, e.getValue()));
            if (e.getValue().ok()) {
                for (Map<String, Object> row : e.getValue().value()) {
                    Map<String, Object> withSite = new LinkedHashMap<>();
                    withSite.put("group", site.group());
                    withSite.put("site", site.site());
                    withSite.putAll(row);
                    rows.add(withSite);
                }
            }
        }
        rows.sort(Comparator.comparing((Map<String, Object> r) -> detectedAt(r)).reversed());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("table", tableName);
        body.put("limit", n);
        body.put("conflicts", rows.size() > n ? rows.subList(0, n) : rows);
        body.put("sites", siteList);
        return Response.ok(body).build();
    }

    private static Instant detectedAt(Map<String, Object> row) {
        Object at = row.get("detectedAt");
        return at == null ? Instant.EPOCH : Instant.parse(at.toString());
    }

    /** The limit parameter: empty means {@value #DEFAULT_LIMIT}. */
    static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit was '" + raw + "', must be a whole number between 1 and "
                    + MAX_LIMIT);
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw new IllegalArgumentException("limit was " + n + ", must be between 1 and " + MAX_LIMIT);
        }
        return n;
    }

    /**
     * Settles a parked conflict ({@code manual} resolver): {@code site} names the site whose conflict
     * log holds {@code id}; {@code keep} is {@code local} or {@code incoming}. The kept version is
     * written at that site as a new change every site applies; the row's parked conflicts are marked
     * settled at every site of the group.
     */
    @POST
    @Path("/{id}/resolve")
    public Response resolve(@PathParam("id") long id, @QueryParam("site") String site, @QueryParam("keep") String keep,
            @QueryParam("group") String group) {
        if (StatusResource.blankToNull(site) == null || StatusResource.blankToNull(keep) == null) {
            return Responses.badRequest("give ?site=<site id>&keep=local|incoming");
        }
        List<SiteDirectory.Site> sites = directory.sites(StatusResource.blankToNull(group));
        List<SiteDirectory.Site> matching = sites.stream().filter(s -> s.site().equals(site)).toList();
        if (matching.size() != 1) {
            return Responses.badRequest(matching.isEmpty() ? "no site '" + site + "' on this worker"
                    : "site '" + site + "' is in several groups; add ?group=");
        }
        SiteDirectory.Site target = matching.get(0);
        ConflictSettlement.Outcome outcome;
        try (Connection c = database(target).openForWrite()) {
            outcome = ConflictSettlement.settle(c, id, keep, site);
        } catch (SQLException | RuntimeException e) {
            return Responses.unavailable("site " + site + " could not settle conflict " + id + ": " + e.getMessage());
        }
        if (outcome.status() == 200) {
            String table = String.valueOf(outcome.body().get("table"));
            String pk = String.valueOf(outcome.body().get("pk"));
            for (SiteDirectory.Site other : sites) {
                if (other != target && other.group().equals(target.group()) && other.database().isPresent()) {
                    try (Connection c = database(other).openForWrite()) {
                        ConflictSettlement.markSettled(c, table, pk, keep);
                    } catch (SQLException | RuntimeException e) {
                        // The kept version reaches that site anyway; only its log stays "parked".
                    }
                }
            }
        }
        return Response.status(outcome.status()).entity(outcome.body()).build();
    }

    static SiteDatabase database(SiteDirectory.Site site) {
        return site.database().orElseThrow(() -> new IllegalStateException(site.configProblem() != null
                ? site.configProblem() : "no connector config names the site's database"));
    }

    static Map<String, Object> siteEntry(SiteDirectory.Site site, SiteFanOut.Outcome<?> outcome) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("group", site.group());
        entry.put("site", site.site());
        entry.put("reachable", outcome.ok());
        if (!outcome.ok()) {
            entry.put("error", outcome.error());
        }
        return entry;
    }
}
