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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The sites and tables of a mesh as the JSON line of {@code syncline up} describes them (a file
 * written by hand in the same shape works too); fields verify does not use are ignored.
 *
 * <pre>{@code
 * MeshDescription mesh = MeshDescription.parse("""
 *     {"sites":{"a":{"engine":"postgres","jdbcUrl":"jdbc:postgresql://127.0.0.1:5432/site_a",
 *                    "user":"syncline","password":"..."}, "b":{...}}, "tables":["public.items"]}""");
 * }</pre>
 *
 * @param sites site id to how to reach it, in the JSON's order
 * @param tables the synced tables, possibly none
 */
record MeshDescription(Map<String, SiteAddress> sites, List<TableRef> tables) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    MeshDescription {
        sites = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sites));
        tables = List.copyOf(tables);
    }

    /** How to reach one site; {@link #toString()} leaves the password out. */
    record SiteAddress(String id, String jdbcUrl, String user, String password) {
        SiteAddress {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }

        /** A new connection with a bounded connect and login time, so an unreachable site fails fast. */
        Connection connect() throws SQLException {
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
            props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
            props.setProperty("ApplicationName", "syncline verify");
            return DriverManager.getConnection(jdbcUrl, props);
        }

        /** The URL without its query part, which may carry a password. */
        String displayUrl() {
            int query = jdbcUrl.indexOf('?');
            return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        }

        @Override
        public String toString() {
            return id + " (" + displayUrl() + ")";
        }
    }

    /**
     * Reads the JSON.
     *
     * @throws IllegalArgumentException naming what is wrong: not JSON, no {@code sites} object, fewer
     *     than two sites, a site whose engine is not postgres or that says neither {@code jdbcUrl} nor
     *     {@code host}, {@code port} and {@code database}
     */
    static MeshDescription parse(String json) {
        try {
            return parse(JSON.readTree(json));
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
    static MeshDescription read(InputStream in) throws IOException {
        try {
            return parse(JSON.readTree(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    private static MeshDescription parse(JsonNode root) {
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("no JSON at all; expected the line 'syncline up' prints");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object like the line 'syncline up' prints");
        }
        JsonNode siteNodes = root.path("sites");
        if (!siteNodes.isObject()) {
            throw new IllegalArgumentException("no \"sites\" object; expected {\"sites\":{\"a\":{\"jdbcUrl\":...},...}}");
        }
        Map<String, SiteAddress> sites = new LinkedHashMap<>();
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

    private static SiteAddress site(String id, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("site " + id + " is " + node + ", expected an object");
        }
        String engine = node.path("engine").asText(Engine.POSTGRES.configName());
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
        return new SiteAddress(id, url, text(node, "user"), text(node, "password"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }
}
