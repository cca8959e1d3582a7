package io.syncline.tools.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.core.apply.Engine;
import io.syncline.core.site.TableRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mesh JSON: the line {@code syncline up} prints (a file written by hand in the same shape works
 * too), read once, from a string, a stream, or the file or stdin a {@code --mesh} option names. This is
 * the one place that knows its fields; each command asks for the ones it uses, and fields no command
 * uses are ignored. Only its {@link #description()} checks the sites, since {@code status} needs
 * nothing but the worker's URL.
 *
 * <pre>{@code
 * MeshJson mesh = MeshJson.fromOption("mesh.json", System.in);
 * String connect = mesh.connect().orElseThrow();
 * MeshDescription sites = mesh.description();
 * }</pre>
 */
final class MeshJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private final String source;

    private MeshJson(JsonNode root, String source) {
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("no JSON at all; expected the line 'syncline up' prints");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object like the line 'syncline up' prints");
        }
        this.root = root;
        this.source = source;
    }

    /**
     * Reads the JSON.
     *
     * @throws IllegalArgumentException when it is not JSON, or not a JSON object
     */
    static MeshJson parse(String json) {
        return parse(json, "the mesh JSON");
    }

    private static MeshJson parse(String json, String source) {
        try {
            return new MeshJson(JSON.readTree(json), source);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Reads the first JSON value of a stream and stops there, so the output of a still running
     * {@code syncline up} can be piped in.
     *
     * @throws IllegalArgumentException as {@link #parse(String)} does
     * @throws IOException if the stream cannot be read
     */
    static MeshJson read(InputStream in) throws IOException {
        try {
            return new MeshJson(JSON.readTree(new InputStreamReader(in, StandardCharsets.UTF_8)),
                    "the mesh JSON from stdin");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * The mesh JSON a {@code --mesh} option names: a file, or ({@code -}) {@code in}; a problem is a
     * usage error that names where the JSON came from.
     */
    static MeshJson fromOption(String source, InputStream in) {
        if (source.equals("-")) {
            if (System.console() != null && in == System.in) {
                throw new CommandLine.UsageException("give the mesh JSON with --mesh FILE, or pipe it to stdin "
                        + "(e.g. the line 'syncline up' printed)");
            }
            try {
                return read(in);
            } catch (IOException e) {
                throw new CommandLine.UsageException("cannot read the mesh JSON from stdin: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException("the mesh JSON from stdin is not usable: " + e.getMessage());
            }
        }
        String json;
        try {
            json = Files.readString(Path.of(source));
        } catch (IOException | InvalidPathException e) {
            throw new CommandLine.UsageException("--mesh " + source + " cannot be read: " + e);
        }
        try {
            return parse(json, "--mesh " + source);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--mesh " + source + " is not usable: " + e.getMessage());
        }
    }

    /** Where the JSON came from, for messages: {@code --mesh FILE} or {@code the mesh JSON from stdin}. */
    String source() {
        return source;
    }

    /** The REST API of a Connect worker of the mesh ({@code "connect"}), when it names one. */
    Optional<String> connect() {
        JsonNode connect = root.path("connect");
        return connect.isTextual() && !connect.asText().isBlank() ? Optional.of(connect.asText()) : Optional.empty();
    }

    /** The Kafka bootstrap servers ({@code "kafka"}). */
    Optional<String> kafka() {
        return nonEmpty(root, "kafka");
    }

    /** The sync group ({@code "group"}). */
    Optional<String> group() {
        return nonEmpty(root, "group");
    }

    /** The group's changes topic ({@code "changesTopic"}), when the JSON names it. */
    Optional<String> changesTopic() {
        return given(root, "changesTopic");
    }

    /** The coordinator's peers ({@code "coordinator":{"peers":...}}), when the mesh has a coordinator. */
    Optional<String> coordinatorPeers() {
        JsonNode peers = root.path("coordinator").path("peers");
        return peers.isTextual() ? Optional.of(peers.asText()) : Optional.empty();
    }

    /** Every site's engine ({@code postgres} where the JSON names none), in the JSON's order. */
    Map<String, String> engines() {
        Map<String, String> engines = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> site : root.path("sites").properties()) {
            engines.put(site.getKey(), engine(site.getValue()));
        }
        return engines;
    }

    /** The replication slot a site's entry names ({@code "slot"}), if it names one. */
    Optional<String> slot(String site) {
        return given(root.path("sites").path(site), "slot");
    }

    /**
     * The sites and tables, checked as verify, repair, join and gc need them.
     *
     * @throws IllegalArgumentException naming what is wrong: no {@code sites} object, fewer than two
     *     sites, a site whose engine is not postgres or that says neither {@code jdbcUrl} nor
     *     {@code host}, {@code port} and {@code database}, {@code tables} not an array of names
     */
    MeshDescription description() {
        JsonNode siteNodes = root.path("sites");
        if (!siteNodes.isObject()) {
            throw new IllegalArgumentException("no \"sites\" object; expected {\"sites\":{\"a\":{\"jdbcUrl\":...},...}}");
        }
        Map<String, MeshDescription.SiteAddress> sites = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : siteNodes.properties()) {
            sites.put(entry.getKey(), site(entry.getKey(), entry.getValue()));
        }
        if (sites.size() < 2) {
            throw new IllegalArgumentException("\"sites\" names " + sites.size() + " site" + (sites.size() == 1 ? "" : "s")
                    + " " + sites.keySet() + "; verify compares at least two");
        }
        List<TableRef> tables = new ArrayList<>();
        JsonNode tableNodes = root.path("tables");
        if (!tableNodes.isMissingNode() && !tableNodes.isArray()) {
            throw new IllegalArgumentException("\"tables\" must be an array of schema.table names");
        }
        for (JsonNode table : tableNodes) {
            if (!table.isTextual() || table.asText().isBlank()) {
                throw new IllegalArgumentException("\"tables\" holds " + table + ", expected schema.table names");
            }
            tables.add(TableRef.parse(table.asText()));
        }
        return new MeshDescription(sites, tables);
    }

    private static MeshDescription.SiteAddress site(String id, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("site " + id + " is " + node + ", expected an object");
        }
        String engine = engine(node);
        if (!engine.equals(Engine.POSTGRES.configName())) {
            throw new IllegalArgumentException("site " + id + " has engine '" + engine + "'; this build verifies "
                    + "postgres sites");
        }
        String url = text(node, "jdbcUrl");
        if (url == null) {
            String host = text(node, "host");
            String port = text(node, "port");
            String database = text(node, "database");
            if (host == null || port == null || database == null) {
                throw new IllegalArgumentException("site " + id + " needs \"jdbcUrl\", or \"host\", \"port\" and "
                        + "\"database\"");
            }
            url = Engine.POSTGRES.jdbcUrl(host, port, database);
        } else if (!Engine.POSTGRES.ownsJdbcUrl(url)) {
            throw new IllegalArgumentException("site " + id + " has jdbcUrl '" + url + "'; expected "
                    + "jdbc:postgresql://host:port/database");
        }
        return new MeshDescription.SiteAddress(id, url, text(node, "user"), text(node, "password"));
    }

    private static String engine(JsonNode site) {
        return site.path("engine").asText(Engine.POSTGRES.configName());
    }

    /** A field's text; absent for a missing field or a JSON null. */
    private static Optional<String> given(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Optional<String> nonEmpty(JsonNode node, String field) {
        return given(node, field).filter(text -> !text.isEmpty());
    }

    private static String text(JsonNode node, String field) {
        return nonEmpty(node, field).orElse(null);
    }
}
