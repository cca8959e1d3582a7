package io.syncline.tools.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code syncline status}: asks a Connect worker's Syncline REST extension for
 * {@code GET /syncline/status} and prints one table per site. Exit 0 when every connector and
 * task runs and every site's database answers, 1 otherwise, 3 when the worker cannot be asked.
 */
final class StatusCommand {

    static final String HELP = """
            Usage: syncline status [--connect URL | --mesh FILE|-] [--json] [--wal-warn-mb N]

            Asks a Kafka Connect worker that loads the Syncline REST extension for the state of every site
            with a Syncline connector (GET /syncline/status) and prints per site: each connector with its
            state and its tasks' states, the changes applied at the site (from the apply ledger, or the
            task metrics), the conflicts it logged, the apply lag and rate (when the tasks run in that
            worker), the capture's replication slot, each generated key's kind, slot and next value, and
            how long ago the site last applied a batch.

              --connect URL   the worker's REST API (default http://127.0.0.1:8083)
              --mesh FILE|-   take the worker from the "connect" field of the JSON line 'syncline up' prints
              --json          print the worker's JSON answer instead of the table
              --wal-warn-mb N warn when a site's replication slot retains more than N MiB of WAL (default 1024),
                              or PostgreSQL says its WAL is no longer reserved ('unreserved', 'lost')

            Example: bin/syncline up --schema shop.sql > mesh.json &   ...   bin/syncline status --mesh mesh.json

            Exit codes: 0 every connector and task RUNNING and every site database reachable, 1 something is
            not running (FAILED, PAUSED, UNASSIGNED, no task) or a site database is unreachable, 2 wrong command
            line, 3 the worker is unreachable or has no Syncline REST extension
            """;

    static final String DEFAULT_CONNECT = "http://127.0.0.1:8083";
    static final int DEFAULT_WAL_WARN_MB = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The extension waits up to 15 s for the slowest site database. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    StatusCommand(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args, Set.of("connect", "mesh", "wal-warn-mb"), Set.of("json"));
        long walWarnBytes = line.intValue("wal-warn-mb", DEFAULT_WAL_WARN_MB, 1, 1 << 30) * (1L << 20);
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        if (line.has("connect") && line.has("mesh")) {
            throw new CommandLine.UsageException("give either --connect or --mesh, not both");
        }
        String base = line.has("mesh") ? connectOfMesh(line.get("mesh", "-")) : line.get("connect", DEFAULT_CONNECT);
        URI uri = statusUri(base);
        HttpResponse<String> response;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
            response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            err.println("syncline status: the worker at " + base + " is unreachable: " + reason(e));
            return ExitCode.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("syncline status: interrupted while asking " + uri);
            return ExitCode.FAILED;
        }
        if (response.statusCode() == 404) {
            err.println("syncline status: the worker at " + base + " has no /syncline/status; load the Syncline REST "
                    + "extension with rest.extension.classes=io.syncline.connector.rest.SynclineRestExtension");
            return ExitCode.FAILED;
        }
        if (response.statusCode() != 200) {
            err.println("syncline status: " + uri + " answered HTTP " + response.statusCode() + ": "
                    + message(response.body()));
            return ExitCode.FAILED;
        }
        JsonNode status;
        try {
            status = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            err.println("syncline status: " + uri + " answered with something that is not JSON: " + e.getOriginalMessage());
            return ExitCode.FAILED;
        }
        if (line.has("json")) {
            out.println(response.body());
        } else {
            render(status, out, walWarnBytes);
        }
        return verdict(status);
    }

    /** {@code base + /syncline/status}, refusing what is not an http(s) URL. */
    static URI statusUri(String base) {
        String trimmed = base.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed + "/syncline/status");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--connect " + base + " is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                || uri.getHost() == null) {
            throw new CommandLine.UsageException("--connect " + base + " is not an http(s) URL; use e.g. "
                    + DEFAULT_CONNECT);
        }
        return uri;
    }

    /** 0 when every connector and task of every site runs and every site database answers; else 1. */
    static ExitCode verdict(JsonNode status) {
        return problems(status).isEmpty() ? ExitCode.OK : ExitCode.DIVERGED;
    }

    /** What is not running, one line each; empty when everything runs. */
    static List<String> problems(JsonNode status) {
        List<String> problems = new ArrayList<>();
        JsonNode sites = status.path("sites");
        if (!sites.isArray() || sites.isEmpty()) {
            problems.add("the worker knows no Syncline connector");
            return problems;
        }
        for (JsonNode site : sites) {
            String id = "site " + site.path("site").asText();
            if (site.path("connectors").isEmpty()) {
                problems.add(id + " has no connector");
            }
            for (JsonNode c : site.path("connectors")) {
                String state = c.path("state").asText("UNKNOWN");
                if (!"RUNNING".equals(state)) {
                    problems.add(c.path("name").asText() + " is " + state + trace(c));
                }
                if (c.path("tasks").isEmpty()) {
                    problems.add(c.path("name").asText() + " has no task");
                }
                for (JsonNode t : c.path("tasks")) {
                    String taskState = t.path("state").asText("UNKNOWN");
                    if (!"RUNNING".equals(taskState)) {
                        problems.add(c.path("name").asText() + " task " + t.path("id").asText() + " is " + taskState
                                + trace(t));
                    }
                }
            }
            JsonNode db = site.path("database");
            if (!db.path("reachable").asBoolean(false)) {
                problems.add(id + " database " + db.path("address").asText("?") + " is unreachable: "
                        + db.path("error").asText("no answer"));
            }
        }
        return problems;
    }

    /** One block per site: its database, then a row per connector; then the verdict line. */
    static void render(JsonNode status, PrintStream out) {
        render(status, out, DEFAULT_WAL_WARN_MB * (1L << 20));
    }

    static void render(JsonNode status, PrintStream out, long walWarnBytes) {
        List<String[]> rows = new ArrayList<>();
        String[] header = {"connector", "type", "state", "tasks", "applied", "conflicts", "lag ms", "events/s"};
        for (JsonNode site : status.path("sites")) {
            for (JsonNode c : site.path("connectors")) {
                rows.add(row(site, c));
            }
        }
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        int next = 0;
        for (JsonNode site : status.path("sites")) {
            JsonNode db = site.path("database");
            out.println("site " + site.path("site").asText() + "  group " + site.path("group").asText() + "  database "
                    + db.path("address").asText("?") + "  "
                    + (db.path("reachable").asBoolean(false) ? "reachable" : "UNREACHABLE: " + db.path("error").asText()));
            out.println("  " + format(header, width));
            for (int i = 0; i < site.path("connectors").size(); i++) {
                out.println("  " + format(rows.get(next++), width));
            }
            String details = details(site, walWarnBytes);
            if (!details.isEmpty()) {
                out.println("  " + details);
            }
        }
        List<String> problems = problems(status);
        int sites = status.path("sites").size();
        if (problems.isEmpty()) {
            out.printf("running: %d connector%s at %d site%s, every task RUNNING%n", rows.size(),
                    rows.size() == 1 ? "" : "s", sites, sites == 1 ? "" : "s");
        } else {
            out.println("NOT RUNNING: " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s"));
            for (String p : problems) {
                out.println("  " + p);
            }
        }
    }

    private static String[] row(JsonNode site, JsonNode c) {
        boolean sink = "sink".equals(c.path("type").asText());
        List<String> tasks = new ArrayList<>();
        for (JsonNode t : c.path("tasks")) {
            tasks.add(t.path("id").asText() + ":" + t.path("state").asText());
        }
        JsonNode sourceMetrics = site.path("metrics").path("source");
        String lag = sink ? number(site.path("lagMillis")) : lag(sourceMetrics.path("lagMillis"));
        String rate = sink ? number(site.path("eventsPerSecond")) : number(sourceMetrics.path("eventsPerSecond"));
        return new String[] {c.path("name").asText(), c.path("type").asText(), c.path("state").asText(),
                tasks.isEmpty() ? "-" : String.join(",", tasks), sink ? number(site.path("applied")) : "-",
                sink ? number(site.path("conflicts")) : "-", lag, rate};
    }

    private static String details(JsonNode site, long walWarnBytes) {
        List<String> parts = new ArrayList<>();
        JsonNode capture = site.path("capture");
        if (capture.isObject()) {
            if (!capture.path("exists").asBoolean()) {
                parts.add("slot " + capture.path("slot").asText() + " not created");
            } else {
                parts.add("slot " + capture.path("slot").asText() + (capture.path("active").asBoolean() ? " active"
                        : " INACTIVE") + (capture.path("behindBytes").isNumber()
                                ? ", " + capture.path("behindBytes").asLong() + " bytes of WAL not yet confirmed" : ""));
                long retained = capture.path("retainedBytes").asLong(0);
                String walStatus = capture.path("walStatus").asText("");
                if (retained > walWarnBytes) {
                    parts.add("WARNING: the slot retains " + (retained >> 20) + " MiB of WAL (over " + (walWarnBytes >> 20)
                            + " MiB); start the site's capture, or the disk fills up");
                }
                if (walStatus.equals("unreserved") || walStatus.equals("lost")) {
                    parts.add("WARNING: the slot's WAL is " + walStatus + " (max_slot_wal_keep_size)"
                            + (walStatus.equals("lost") ? ": the capture cannot resume; drop the slot, restart the source "
                                    + "connector, then run syncline repair --apply (README, 'WAL retention')"
                                    : ": it is about to be removed"));
                }
            }
        }
        JsonNode binlog = site.path("binlog");
        if (binlog.isObject()) {
            parts.add("binlog: server at " + binlog.path("serverFile").asText("?") + ":"
                    + binlog.path("serverPosition").asText("?") + (binlog.path("captureFile").isTextual()
                            ? ", capture at " + binlog.path("captureFile").asText() + ":"
                                    + binlog.path("capturePosition").asText()
                                    + (binlog.path("behindBytes").isNumber()
                                            ? ", " + binlog.path("behindBytes").asLong() + " bytes behind" : "")
                            : ", capture position unknown"));
            if (binlog.path("warning").isTextual()) {
                parts.add("WARNING: " + binlog.path("warning").asText());
            }
        }
        JsonNode sink = site.path("metrics").path("sink");
        if (sink.path("partitionsWaitingForDependencies").asLong(0) > 0) {
            parts.add(sink.path("partitionsWaitingForDependencies").asLong() + " partition(s) waiting for a dependency ("
                    + sink.path("recordsHeld").asLong() + " records held)");
        }
        sink.path("origins").fields().forEachRemaining(origin -> {
            JsonNode o = origin.getValue();
            String waits = o.path("dependencyWaits").asLong(0) == 0 ? ""
                    : ", " + o.path("dependencyWaits").asLong() + " waited for a dependency (longest "
                            + o.path("dependencyWaitMaxMillis").asLong() + " ms)";
            parts.add("from " + origin.getKey() + ": " + o.path("transactionsApplied").asLong(0) + " transactions"
                    + waits);
        });
        for (JsonNode key : site.path("keys")) {
            parts.add("key " + key.path("table").asText() + "." + key.path("column").asText() + " "
                    + key.path("kind").asText() + (key.path("slot").isNumber() ? " slot " + key.path("slot").asLong()
                            + " of " + key.path("increment").asLong() : " step " + key.path("increment").asLong())
                    + ", next " + key.path("next").asLong()
                    + (key.path("remaining").isNumber() ? ", " + key.path("remaining").asLong() + " left in block "
                            + key.path("block").path("start").asLong() + ".." + key.path("block").path("end").asLong()
                            : ""));
        }
        if (site.path("lastAppliedAgeMillis").isNumber()) {
            parts.add(String.format(Locale.ROOT, "last batch applied %.1f s ago",
                    site.path("lastAppliedAgeMillis").asLong() / 1000.0));
        }
        return String.join("; ", parts);
    }

    private static String format(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean numeric = i >= 4;
            String w = "%" + (numeric ? "" : "-") + width[i] + "s";
            sb.append(i == 0 ? "" : "  ").append(String.format(w, cells[i]));
        }
        return sb.toString().stripTrailing();
    }

    private static String number(JsonNode node) {
        if (node.isIntegralNumber()) {
            return Long.toString(node.asLong());
        }
        if (node.isNumber()) {
            return String.format(Locale.ROOT, "%.1f", node.asDouble());
        }
        return "-";
    }

    private static String lag(JsonNode node) {
        return node.isNumber() && node.asLong() >= 0 ? Long.toString(node.asLong()) : "-";
    }

    private static String trace(JsonNode node) {
        String trace = node.path("trace").asText("");
        return trace.isEmpty() ? "" : ": " + trace;
    }

    /** The first message in the cause chain; the HTTP client's connect failures often have none. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return SynclineCli.describe(t);
            }
        }
        return e.getClass().getSimpleName();
    }

    private static String message(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (JsonProcessingException e) {
            // Not JSON: show it as it is.
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private String connectOfMesh(String source) {
        return MeshJson.fromOption(source, in).connect().orElseThrow(() -> new CommandLine.UsageException("--mesh "
                + source + " has no \"connect\" field; expected the JSON line 'syncline up' prints, e.g. "
                + "{\"connect\":\"http://127.0.0.1:8083\",...}"));
    }
}
