package io.syncline.connector.rest;

import io.syncline.core.site.TableRef;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /syncline/rows/{table}/{key}[?group=G]}: each site's meta entry of one row: version
 * vector, origin, sequence, hybrid clock, tombstone. The key is the canonical key text (several key
 * columns joined by {@code ,}), URL-encoded. A key with a {@code /} may also be given as
 * {@code GET /syncline/rows/{table}?key=...}, since servers refuse an encoded slash in a path.
 */
@Path("/syncline/rows")
@Produces(MediaType.APPLICATION_JSON)
public class RowsResource {

    private final SiteDirectory directory;
    private final SiteFanOut fanOut;

    RowsResource(SiteDirectory directory, SiteFanOut fanOut) {
        this.directory = directory;
        this.fanOut = fanOut;
    }

    @GET
    @Path("/{table}/{key: .+}")
    public Response row(@PathParam("table") String table, @PathParam("key") String key,
            @QueryParam("group") String group) {
        return lookup(table, key, group);
    }

    @GET
    @Path("/{table}")
    public Response rowByQuery(@PathParam("table") String table, @QueryParam("key") String key,
            @QueryParam("group") String group) {
        if (key == null) {
            return Responses.badRequest("name the row: /syncline/rows/{table}/{key} or /syncline/rows/{table}?key=...");
        }
        return lookup(table, key, group);
    }

    private Response lookup(String table, String key, String group) {
        String tableName;
        try {
            tableName = TableRef.parse(table).toString();
        } catch (IllegalArgumentException e) {
            return Responses.badRequest("table was '" + table + "': " + e.getMessage());
        }
        List<SiteDirectory.Site> sites;
        try {
            sites = directory.sites(StatusResource.blankToNull(group));
        } catch (RuntimeException e) {
            return Responses.unavailable("the worker cannot list its connectors now (" + e.getMessage()
                    + "); try again in a few seconds");
        }
        Map<SiteDirectory.Site, SiteFanOut.Outcome<Optional<Map<String, Object>>>> outcomes = fanOut.each(sites,
                site -> ConflictsResource.database(site).rowMeta(tableName, key));
        return Response.ok(render(tableName, key, outcomes)).build();
    }

    static Map<String, Object> render(String table, String key,
            Map<SiteDirectory.Site, SiteFanOut.Outcome<Optional<Map<String, Object>>>> outcomes) {
        List<Map<String, Object>> siteList = new ArrayList<>();
        List<Object> versions = new ArrayList<>();
        boolean allAnswered = true;
        for (Map.Entry<SiteDirectory.Site, SiteFanOut.Outcome<Optional<Map<String, Object>>>> e : outcomes.entrySet()) {
            Map<String, Object> entry = ConflictsResource.siteEntry(e.getKey(), e.getValue());
            if (e.getValue().ok()) {
                Optional<Map<String, Object>> meta = e.getValue().value();
                entry.put("found", meta.isPresent());
                meta.ifPresent(entry::putAll);
                versions.add(meta.map(m -> List.of(m.get("vv"), m.get("deleted"))).orElse(null));
            } else {
                allAnswered = false;
            }
            siteList.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("table", table);
        body.put("key", key);
        // Same vector and tombstone everywhere: the sites agree on this row's version.
        body.put("identical", allAnswered && !versions.isEmpty()
                && versions.stream().allMatch(v -> Objects.equals(v, versions.get(0))));
        body.put("sites", siteList);
        return body;
    }
}
