package io.syncline.connector.rest;

import io.syncline.connector.metrics.PrometheusText;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;

/**
 * {@code GET /syncline/metrics}: the figures of the Syncline tasks running in this worker, in the
 * Prometheus text format ({@link PrometheusText}), followed by what each site's database says
 * ({@code syncline_site_*}: whether it answers, the WAL its replication slot retains, a MariaDB
 * capture's binlog distance), read as {@code /syncline/status} reads it. Scrape every worker of the
 * Connect cluster; the site figures are the same at each, so alert on them with {@code max by (site)}.
 * {@code ?sites=false} leaves the site figures out (no database query).
 */
@Path("/syncline/metrics")
public class MetricsResource {

    /** The Prometheus text exposition format's content type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final MBeanServer mbeans;
    private final SiteDirectory directory;
    private final SiteFanOut fanOut;

    MetricsResource(MBeanServer mbeans, SiteDirectory directory, SiteFanOut fanOut) {
        this.mbeans = mbeans;
        this.directory = directory;
        this.fanOut = fanOut;
    }

    @GET
    @Produces(CONTENT_TYPE)
    public Response metrics(@QueryParam("sites") String sites) {
        String body = PrometheusText.render(mbeans);
        if (!"false".equalsIgnoreCase(sites) && directory != null) {
            body += siteGauges();
        }
        return Response.ok(body).type(CONTENT_TYPE).build();
    }

    private String siteGauges() {
        List<SiteDirectory.Site> sites;
        try {
            sites = directory.sites(null);
        } catch (RuntimeException e) {
            return ""; // the worker cannot list its connectors now; the task figures still go out
        }
        Map<SiteDirectory.Site, SiteFanOut.Outcome<SiteStatus.DatabaseStatus>> databases = fanOut.each(sites,
                site -> site.database().isPresent() ? site.database().get().status()
                        : SiteStatus.DatabaseStatus.unreachable(null, site.configProblem()));
        PrometheusText.Gauges gauges = new PrometheusText.Gauges();
        for (SiteDirectory.Site site : sites) {
            SiteFanOut.Outcome<SiteStatus.DatabaseStatus> outcome = databases.get(site);
            SiteStatus.DatabaseStatus db = outcome.ok() ? outcome.value() : null;
            render(gauges, site.group(), site.site(), db);
        }
        return gauges.render();
    }

    static void render(PrometheusText.Gauges gauges, String group, String site, SiteStatus.DatabaseStatus db) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("group", group);
        labels.put("site", site);
        boolean up = db != null && db.reachable();
        gauges.add("syncline_site_database_up", "whether the site's database answered the worker (1) or not (0)",
                labels, up ? 1 : 0);
        if (!up) {
            return;
        }
        gauges.add("syncline_site_conflicts_logged", "entries in the site's syncline.conflicts", labels,
                db.conflicts());
        SiteStatus.CaptureStatus slot = db.capture();
        if (slot != null && slot.exists()) {
            Map<String, String> slotLabels = new LinkedHashMap<>(labels);
            slotLabels.put("slot", slot.slot());
            if (slot.retainedBytes() != null) {
                gauges.add("syncline_site_slot_retained_bytes",
                        "WAL the capture's replication slot keeps on the site's disk", slotLabels, slot.retainedBytes());
            }
            if (slot.behindBytes() != null) {
                gauges.add("syncline_site_slot_behind_bytes",
                        "WAL written since the position the capture confirmed", slotLabels, slot.behindBytes());
            }
            gauges.add("syncline_site_slot_active", "whether a capture reads the slot now", slotLabels,
                    slot.active() ? 1 : 0);
            gauges.add("syncline_site_slot_lost", "whether the server freed WAL the slot needed (wal_status lost)",
                    slotLabels, "lost".equals(slot.walStatus()) ? 1 : 0);
            gauges.add("syncline_site_slot_retained_warning",
                    "whether the slot retains more WAL than the source's wal.warn.retained.mb, or is lost",
                    slotLabels, slot.warning() == null ? 0 : 1);
        }
        SiteStatus.BinlogStatus binlog = db.binlog();
        if (binlog != null) {
            if (binlog.behindBytes() != null) {
                gauges.add("syncline_site_binlog_behind_bytes",
                        "binlog bytes between the capture's stored position and the server's", labels,
                        binlog.behindBytes());
            }
            if (binlog.captureFilePresent() != null) {
                gauges.add("syncline_site_binlog_file_present",
                        "whether the binlog file the capture resumes from is still on the server", labels,
                        binlog.captureFilePresent() ? 1 : 0);
            }
        }
    }
}
