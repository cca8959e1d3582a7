package io.syncline.connector.rest;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source connector's stored offset, read from this worker's own REST API
 * ({@code GET /connectors/{name}/offsets}, Kafka 3.6 and later): the only place Connect keeps it
 * while the connector is stopped. Used for a MariaDB capture's binlog file and position.
 */
class ConnectorOffsets {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern FILE = Pattern.compile("\"file\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern POSITION = Pattern.compile("\"pos\"\\s*:\\s*(\\d+)");

    /** A binlog position. */
    record BinlogPosition(String file, long position) {
    }

    private final URI worker;
    private final HttpClient http;

    /** @param worker this worker's REST base URL, e.g. {@code http://127.0.0.1:8083}; null reads nothing */
    ConnectorOffsets(URI worker) {
        this.worker = worker;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The binlog file and position in {@code connector}'s stored offset; empty before its first or without one. */
    Optional<BinlogPosition> binlog(String connector) throws IOException {
        if (worker == null || connector == null) {
            return Optional.empty();
        }
        HttpRequest request = HttpRequest.newBuilder(worker.resolve("/connectors/"
                + URLEncoder.encode(connector, StandardCharsets.UTF_8).replace("+", "%20") + "/offsets"))
                .timeout(TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the offsets of " + connector, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET /connectors/" + connector + "/offsets answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** The {@code file} and {@code pos} of Debezium's MariaDB offset in a Connect offsets body. */
    static Optional<BinlogPosition> parse(String body) {
        Matcher file = FILE.matcher(body);
        Matcher position = POSITION.matcher(body);
        if (file.find() && position.find()) {
            return Optional.of(new BinlogPosition(file.group(1), Long.parseLong(position.group(1))));
        }
        return Optional.empty();
    }

    /**
     * This worker's REST URL from its {@code listeners} (the first http one; a wildcard host becomes
     * 127.0.0.1), or Connect's default {@code http://127.0.0.1:8083}; null for an https-only worker.
     */
    static URI workerUrl(Object listeners) {
        String value = listeners == null ? "" : listeners.toString().trim();
        if (value.isEmpty()) {
            return URI.create("http://127.0.0.1:8083");
        }
        for (String listener : value.split(",")) {
            String l = listener.trim();
            if (l.startsWith("http://")) {
                String rest = l.substring("http://".length());
                int colon = rest.lastIndexOf(':');
                String host = colon < 0 ? rest : rest.substring(0, colon);
                String port = colon < 0 ? "8083" : rest.substring(colon + 1);
                if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("[::]")) {
                    host = "127.0.0.1";
                }
                return URI.create("http://" + host + ":" + port);
            }
        }
        return null;
    }
}
