package io.syncline.connector.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code GET /syncline/ui/}: the operations console, a few static files shipped in the plugin jar
 * (no framework, nothing loaded from elsewhere) that poll the other {@code /syncline} endpoints with
 * relative URLs, so the console works under whatever path a proxy gives the worker's REST API. Only
 * the files listed here are served.
 */
@Path("/syncline/ui")
public class ConsoleResource {

    static final String FOLDER = "/io/syncline/connector/ui/";

    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "chart.js", "text/javascript; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    @GET
    public Response index(@Context UriInfo uri) {
        if (!uri.getAbsolutePath().getPath().endsWith("/")) {
            // The page's relative links need the trailing slash.
            return Response.seeOther(uri.getAbsolutePathBuilder().path("/").build()).build();
        }
        return file("index.html");
    }

    @GET
    @Path("/{file}")
    public Response file(@PathParam("file") String file) {
        String type = FILES.get(file);
        if (type == null) {
            return Response.status(Response.Status.NOT_FOUND).type("text/plain")
                    .entity("no such console file: " + file).build();
        }
        byte[] body;
        try (InputStream in = ConsoleResource.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                return Response.status(Response.Status.NOT_FOUND).type("text/plain")
                        .entity("the plugin jar lacks " + FOLDER + file).build();
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            return Response.serverError().type("text/plain").entity("reading " + file + " failed: " + e).build();
        }
        CacheControl cache = new CacheControl();
        cache.setNoCache(true);
        return Response.ok(body, type).cacheControl(cache).header("X-Content-Type-Options", "nosniff").build();
    }
}
