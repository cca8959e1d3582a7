package io.syncline.connector.rest;

import io.syncline.connector.metrics.PrometheusText;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import javax.management.MBeanServer;

/**
 * {@code GET /syncline/metrics}: the figures of the Syncline tasks running in this worker, in the
 * Prometheus text format ({@link PrometheusText}); scrape every worker of the Connect cluster.
 */
@Path("/syncline/metrics")
public class MetricsResource {

    /** The Prometheus text exposition format's content type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final MBeanServer mbeans;

    MetricsResource(MBeanServer mbeans) {
        this.mbeans = mbeans;
    }

    @GET
    @Produces(CONTENT_TYPE)
    public Response metrics() {
        return Response.ok(PrometheusText.render(mbeans)).type(CONTENT_TYPE).build();
    }
}
