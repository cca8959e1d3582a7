package io.syncline.tools.cli;

import io.syncline.core.site.TableRef;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The sites and tables of a mesh as the JSON line of {@code syncline up} describes them (a file
 * written by hand in the same shape works too), checked for what verify, repair and join need; the
 * JSON itself is read by {@link MeshJson}.
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

    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    MeshDescription {
        sites = Collections.unmodifiableMap(new LinkedHashMap<>(sites));
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
     * Reads the JSON and checks its sites and tables ({@link MeshJson#description()}).
     *
     * @throws IllegalArgumentException naming what is wrong: not JSON, no {@code sites} object, fewer
     *     than two sites, a site whose engine is not postgres or that says neither {@code jdbcUrl} nor
     *     {@code host}, {@code port} and {@code database}
     */
    static MeshDescription parse(String json) {
        return MeshJson.parse(json).description();
    }

    /**
     * Reads the first JSON value of a stream and stops there, so the output of a still running
     * {@code syncline up} can be piped in.
     *
     * @throws IllegalArgumentException as {@link #parse(String)} does
     * @throws IOException if the stream cannot be read
     */
    static MeshDescription read(InputStream in) throws IOException {
        return MeshJson.read(in).description();
    }
}
