package io.syncline.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A small client for the Kafka Connect REST API: create and watch connectors, validate configs.
 *
 * <p>Every call that gets a status outside 2xx throws {@link ConnectRestException} with the
 * status and the body Connect sent.
 *
 * <pre>{@code
 * ConnectRestClient rest = new ConnectRestClient("http://127.0.0.1:8083");
 * Map<String, List<String>> problems = ConnectRestClient.errorsByField(
 *         rest.validate("SynclineSinkConnector", config));
 * rest.putConnectorConfig("west-sink", config);
 * rest.awaitRunning("west-sink", Duration.ofSeconds(60));
 * }</pre>
 */
public final class ConnectRestClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;

    /** A client for the worker at {@code baseUrl}, e.g. {@code http://127.0.0.1:8083}. */
    public ConnectRestClient(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The worker's base URL. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Creates the connector, or replaces its config; returns Connect's answer. */
    public JsonNode putConnectorConfig(String name, Map<String, String> config) {
        return send("PUT", "/connectors/" + encode(name) + "/config", toJson(config));
    }

    /**
     * Asks the worker to validate {@code config} for the connector class named by its simple
     * or full name, and returns Connect's answer as is (see {@link #errorsByField(JsonNode)}).
     * A {@code connector.class} entry is added when the config has none.
     */
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        Map<String, String> body = new LinkedHashMap<>(config);
        body.putIfAbsent("connector.class", connectorClass);
        return send("PUT", "/connector-plugins/" + encode(connectorClass) + "/config/validate", toJson(body));
    }

    /**
     * Extracts the problems from a {@link #validate} answer: config key to its error messages,
     * only keys that have at least one, in key order.
     */
    public static Map<String, List<String>> errorsByField(JsonNode validation) {
        Map<String, List<String>> errors = new TreeMap<>();
        for (JsonNode config : validation.path("configs")) {
            JsonNode value = config.path("value");
            List<String> messages = new ArrayList<>();
            value.path("errors").forEach(message -> messages.add(message.asText()));
            if (!messages.isEmpty()) {
                errors.put(value.path("name").asText(), List.copyOf(messages));
            }
        }
        return errors;
    }

    /** The connector's status document: connector state, worker, and every task with any trace. */
    public JsonNode status(String name) {
        return send("GET", "/connectors/" + encode(name) + "/status", null);
    }

    /** The connector's state, e.g. {@code RUNNING}, {@code PAUSED} or {@code FAILED}. */
    public String connectorState(String name) {
        return status(name).path("connector").path("state").asText();
    }

    /** Task id to state, in task id order. */
    public Map<Integer, String> taskStates(String name) {
        return taskStates(status(name));
    }

    /** Restarts the connector, and its tasks when {@code includeTasks}. */
    public void restartConnector(String name, boolean includeTasks) {
        send("POST", "/connectors/" + encode(name) + "/restart?includeTasks=" + includeTasks, null);
    }

    /** Stops the connector and its tasks but keeps its configuration (KIP-875). */
    public void stopConnector(String name) {
        send("PUT", "/connectors/" + encode(name) + "/stop", null);
    }

    /** Pauses the connector and its tasks (a sink stops consuming until resumed). */
    public void pauseConnector(String name) {
        send("PUT", "/connectors/" + encode(name) + "/pause", null);
    }

    /** Resumes a stopped or paused connector. */
    public void resumeConnector(String name) {
        send("PUT", "/connectors/" + encode(name) + "/resume", null);
    }

    /** Resets the offsets Connect keeps for a stopped connector (a sink's consumer group offsets). */
    public void resetOffsets(String name) {
        send("DELETE", "/connectors/" + encode(name) + "/offsets", null);
    }

    /** Deletes the connector; its tasks stop. */
    public void deleteConnector(String name) {
        send("DELETE", "/connectors/" + encode(name), null);
    }

    /** The class names of the connector plugins the worker can run. */
    public List<String> connectorPlugins() {
        List<String> classes = new ArrayList<>();
        send("GET", "/connector-plugins", null).forEach(plugin -> classes.add(plugin.path("class").asText()));
        return classes;
    }

    /** Names of the connectors the cluster runs. */
    public List<String> connectors() {
        List<String> names = new ArrayList<>();
        send("GET", "/connectors", null).forEach(name -> names.add(name.asText()));
        return names;
    }

    /**
     * Waits until the connector and all of its tasks (at least one) are {@code RUNNING},
     * asking every 100 ms.
     *
     * @throws IllegalStateException if that is not so within {@code timeout}; the message holds
     *     the last status, with the trace of any failed task
     */
    public void awaitRunning(String name, Duration timeout) {
        awaitState(name, "RUNNING", timeout);
    }

    /**
     * Waits until the connector and all of its tasks (at least one) are in {@code state}
     * ({@code RUNNING} or {@code PAUSED}; a stopped connector has no tasks), asking every 100 ms.
     *
     * @throws IllegalStateException if that is not so within {@code timeout}; the message holds
     *     the last status, with the trace of any failed task
     */
    public void awaitState(String name, String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no status yet";
        while (true) {
            try {
                JsonNode status = status(name);
                last = status.toPrettyString();
                Map<Integer, String> tasks = taskStates(status);
                if (state.equals(status.path("connector").path("state").asText())
                        && !tasks.isEmpty()
                        && tasks.values().stream().allMatch(state::equals)) {
                    return;
                }
            } catch (ConnectRestException e) {
                // 404 until the worker has read the new config; other answers are worth showing.
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("connector " + name + " and its tasks were not all " + state
                        + " after " + timeout.toMillis() + " ms at " + baseUrl + "; last status:\n" + last);
            }
            pause(POLL_MILLIS);
        }
    }

    /**
     * Waits until the worker answers {@code GET /}, reports itself healthy and lists its plugins
     * and connectors, which it does only once it has joined its group.
     */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                send("GET", "/", null);
                send("GET", "/health", null);
                send("GET", "/connector-plugins", null);
                send("GET", "/connectors", null);
                return;
            } catch (ConnectRestException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Connect at " + baseUrl + " was not ready after "
                        + timeout.toMillis() + " ms; last answer: " + last);
            }
            pause(POLL_MILLIS);
        }
    }

    private static Map<Integer, String> taskStates(JsonNode status) {
        Map<Integer, String> tasks = new TreeMap<>();
        status.path("tasks").forEach(task -> tasks.put(task.path("id").asInt(), task.path("state").asText()));
        return tasks;
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConnectRestException(method, path, -1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectRestException(method, path, -1, "interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new ConnectRestException(method, path, response.statusCode(), response.body());
        }
        try {
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new ConnectRestException(method, path, response.statusCode(),
                    "answer is not JSON: " + response.body());
        }
    }

    private static String toJson(Map<String, String> config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void pause(long millis) {
        Deadlines.pause(Duration.ofMillis(millis));
    }

    /**
     * Kafka Connect answered a REST call with a status outside 2xx, or could not be reached
     * (status -1).
     *
     * <pre>{@code
     * try {
     *     rest.deleteConnector("gone");
     * } catch (ConnectRestException e) {
     *     if (e.status() != 404) throw e;
     * }
     * }</pre>
     */
    public static final class ConnectRestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;
        private final String body;

        ConnectRestException(String method, String path, int status, String body) {
            super(method + " " + path + (status < 0 ? " failed: " : " answered " + status + ": ") + body);
            this.status = status;
            this.body = body;
        }

        /** The HTTP status, or -1 when the worker could not be reached. */
        public int status() {
            return status;
        }

        /** The response body, usually Connect's JSON error with {@code error_code} and {@code message}. */
        public String body() {
            return body;
        }
    }
}
