package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.SynclineCli;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the operations ITs read of a running embedded mesh: the worker's {@code /syncline/status}
 * and {@code /syncline/metrics} (the latter through Prometheus's own text-format parser, Debian's
 * python3-prometheus-client, which .ci/run installs), connector states, and the CLI.
 */
final class MeshProbe {

    /** Prints every sample of the body on stdin as JSON; a body the parser refuses exits non-zero. */
    private static final String PARSER = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for sample in family.samples:
                    out.append({"family": family.name, "type": family.type, "name": sample.name,
                                "labels": sample.labels, "value": sample.value})
            print(json.dumps(out))
            """;

    /** Python writes NaN for an unknown figure. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private MeshProbe() {
    }

    /** A stopped connector has no tasks, so only its own state tells. */
    static void awaitStopped(EmbeddedStack stack, String connector) {
        Deadlines.await(connector + " stopped", Duration.ofSeconds(60),
                () -> "STOPPED".equals(stack.rest().connectorState(connector))
                        && stack.rest().taskStates(connector).isEmpty(),
                () -> stack.rest().status(connector).toString());
    }

    /** Runs one statement of any kind (a SELECT of a function too) at the site. */
    static void execute(EmbeddedStack stack, String site, String sql) throws SQLException {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs a {@code syncline} command line in this JVM; what it prints on stdout goes to {@code out}. */
    static int cli(ByteArrayOutputStream out, String... args) throws Exception {
        Method run = SynclineCli.class.getDeclaredMethod("run", List.class, PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        return (int) run.invoke(null, List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    }

    /** The body of a GET on the worker's REST API, which must answer 200. */
    static String get(EmbeddedStack stack, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.restUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    static JsonNode status(EmbeddedStack stack) {
        try {
            return JSON.readTree(get(stack, "/syncline/status"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode site(JsonNode status, String id) {
        for (JsonNode site : status.path("sites")) {
            if (site.path("site").asText().equals(id)) {
                return site;
            }
        }
        throw new AssertionError("no site " + id + " in " + status);
    }

    /** The samples of {@code body} as Prometheus's parser reads them; a body it refuses fails the test. */
    static JsonNode parseMetrics(String body) throws IOException, InterruptedException {
        Process parser = new ProcessBuilder("/usr/bin/python3", "-c", PARSER).redirectErrorStream(true).start();
        parser.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        parser.getOutputStream().close();
        String out = new String(parser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(parser.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(parser.exitValue()).as("Prometheus's text-format parser refused the body:\n" + out + "\n" + body)
                .isZero();
        return JSON.readTree(out);
    }

    /** The metric type the parser gave the family of sample {@code name}. */
    static String type(JsonNode samples, String name) {
        for (JsonNode s : samples) {
            if (s.path("name").asText().equals(name)) {
                return s.path("type").asText();
            }
        }
        throw new AssertionError("no sample " + name + " in " + samples);
    }

    /** The value of the first sample {@code name} whose label {@code label} is {@code labelValue}. */
    static long value(JsonNode samples, String name, String label, String labelValue) {
        for (JsonNode s : samples) {
            if (s.path("name").asText().equals(name) && s.path("labels").path(label).asText().equals(labelValue)) {
                return (long) s.path("value").asDouble();
            }
        }
        throw new AssertionError("no sample " + name + "{" + label + "=\"" + labelValue + "\"} in " + samples);
    }
}
