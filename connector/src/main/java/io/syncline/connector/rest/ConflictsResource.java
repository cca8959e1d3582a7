package io.syncline.connector.rest;

import io.syncline.core.HybridClock;
import io.syncline.core.apply.ConflictsTable;
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
import java.util.Optional;

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
     * {@code GET /syncline/conflicts/{id}?site=S[&group=G]}: one conflict of a site's log with both
     * versions and the result as row images (JSON objects of column values; null for a deletion).
     */
    @GET
    @Path("/{id}")
    public Response conflict(@PathParam("id") long id, @QueryParam("site") String site,
            @QueryParam("group") String group) {
        if (StatusResource.blankToNull(site) == null) {
            return Responses.badRequest("give ?site=<site id> (the site whose conflict log holds the conflict)");
        }
        SiteDirectory.Lookup found = directory.one(StatusResource.blankToNull(group), site.trim());
        if (found.problem() != null) {
            return Responses.badRequest(found.problem());
        }
        SiteDirectory.Site target = found.site();
        try (Connection c = database(target).open()) {
            Optional<ConflictsTable.Logged> logged = ConflictsTable.one(c, id);
            Optional<ConflictsTable.Images> images = ConflictsTable.images(c, id);
            if (logged.isEmpty() || images.isEmpty()) {
                return Response.status(Response.Status.NOT_FOUND).entity(Map.of("error_code", 404, "message",
                        "site " + site + " has no conflict " + id)).build();
            }
            ConflictsTable.Logged l = logged.get();
            ConflictsTable.Images i = images.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("group", target.group());
            body.put("site", target.site());
            body.put("id", l.id());
            body.put("detectedAt", l.detectedAt() == null ? null : l.detectedAt().toString());
            body.put("table", l.table());
            body.put("pk", l.pk());
            body.put("type", l.type());
            body.put("rule", l.rule());
            body.put("winner", l.winner());
            body.put("status", l.status());
            body.put("settledBy", i.settledBy());
            body.put("local", version(l.localOrigin(), l.localVv(), i.localHlc(), i.localDeleted(), i.localRow()));
            body.put("incoming", version(l.incomingOrigin(), l.incomingVv(), i.incomingHlc(), i.incomingDeleted(),
                    i.incomingRow()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("vv", l.resultVv());
            result.put("deleted", l.resultDeleted());
            result.put("row", i.resultRow());
            body.put("result", result);
            return Response.ok(body).build();
        } catch (SQLException | RuntimeException e) {
            return Responses.unavailable("site " + site + " could not read conflict " + id + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> version(String origin, String vv, long hlc, boolean deleted, String row) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("origin", origin);
        v.put("vv", vv);
        v.put("hlc", hlc);
        v.put("hlcTime", Instant.ofEpochMilli(HybridClock.physicalMillis(hlc)).toString());
        v.put("deleted", deleted);
        // The row image as JSON text: the console parses it; a client that only wants the vectors ignores it.
        v.put("row", row);
        return v;
    }

    /**
     * Settles a parked conflict ({@code manual} resolver): {@code site} names the site whose conflict
     * log holds {@code id}; {@code keep} is {@code local}, {@code incoming} or {@code edit}. The kept
     * version is written at that site as a new change every site applies ({@code keep=edit}: the row in
     * the request body, a JSON object of column values, whose key columns stay the conflict's); the
     * row's parked conflicts are marked settled at every site of the group.
     */
    @POST
    @Path("/{id}/resolve")
    public Response resolve(@PathParam("id") long id, @QueryParam("site") String site, @QueryParam("keep") String keep,
            @QueryParam("group") String group, String body) {
        if (StatusResource.blankToNull(site) == null || StatusResource.blankToNull(keep) == null) {
            return Responses.badRequest("give ?site=<site id>&keep=local|incoming|edit");
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
            outcome = ConflictSettlement.settle(c, id, keep, site, StatusResource.blankToNull(body));
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
