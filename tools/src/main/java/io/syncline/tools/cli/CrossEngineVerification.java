package io.syncline.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.syncline.core.apply.Dialect;
import io.syncline.core.apply.Engine;
import io.syncline.core.site.KeyText;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a table across sites of different engines (PostgreSQL and MariaDB), where the servers'
 * own checksums cannot agree: every row is read and each value normalized by its kind before it is
 * digested (numbers by value, char(n) without its padding, timestamps with a time zone as UTC
 * instants, JSON with its keys sorted, bytes as hex), so equal values give equal digests whatever
 * engine holds them. Reads each table whole, keyed by the canonical key text; meant for meshes whose
 * tables fit in memory (the PostgreSQL-only path of {@link MeshVerification} streams by key range).
 *
 * <pre>{@code
 * TableVerdict v = new CrossEngineVerification(100).verify(Map.of("a", pg, "b", maria), TableRef.parse("public.t"));
 * }</pre>
 */
final class CrossEngineVerification {

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
            true);

    private final int listedKeys;

    CrossEngineVerification(int listedKeys) {
        this.listedKeys = listedKeys;
    }

    /** Whether the sites are not all PostgreSQL, so that only this comparison applies. */
    static boolean needed(Map<String, Connection> sites) throws SQLException {
        for (Connection c : sites.values()) {
            if (engine(c) != Engine.POSTGRES) {
                return true;
            }
        }
        return false;
    }

    TableVerdict verify(Map<String, Connection> sites, TableRef table) throws SQLException {
        Map<String, TableShape> shapes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Connection> site : sites.entrySet()) {
            Optional<TableShape> shape = engine(site.getValue()).dialect().describe(site.getValue(), table);
            if (shape.isEmpty()) {
                problems.add("missing at site " + site.getKey());
            } else {
                shapes.put(site.getKey(), shape.get());
            }
        }
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("no site has table " + table);
        }
        TableShape reference = shapes.values().iterator().next();
        if (!reference.hasPrimaryKey()) {
            throw new IllegalArgumentException("table " + table + " has no primary key");
        }
        for (Map.Entry<String, TableShape> shape : shapes.entrySet()) {
            if (!shape.getValue().columns().keySet().equals(reference.columns().keySet())
                    || !shape.getValue().keyColumns().equals(reference.keyColumns())) {
                problems.add("columns or key of " + table + " at site " + shape.getKey() + " differ from those at "
                        + shapes.keySet().iterator().next());
            }
        }
        Map<String, TableVerdict.SiteTally> tallies = new LinkedHashMap<>();
        Map<String, Map<String, String>> rowsBySite = new LinkedHashMap<>();
        for (Map.Entry<String, Connection> site : sites.entrySet()) {
            TableShape shape = shapes.get(site.getKey());
            if (shape == null) {
                tallies.put(site.getKey(), null);
                continue;
            }
            Map<String, String> rows = readRows(site.getValue(), shape, reference);
            rowsBySite.put(site.getKey(), rows);
            tallies.put(site.getKey(), new TableVerdict.SiteTally(rows.size(), 1, digest(rows.toString())));
        }
        Set<String> keys = new TreeSet<>();
        rowsBySite.values().forEach(rows -> keys.addAll(rows.keySet()));
        List<TableVerdict.KeyDifference> differences = new ArrayList<>();
        long unlisted = 0;
        for (String key : keys) {
            Map<String, String> digests = new LinkedHashMap<>();
            rowsBySite.forEach((site, rows) -> {
                if (rows.containsKey(key)) {
                    digests.put(site, rows.get(key));
                }
            });
            if (digests.size() == rowsBySite.size() && digests.values().stream().distinct().count() == 1) {
                continue;
            }
            if (differences.size() < listedKeys) {
                differences.add(new TableVerdict.KeyDifference(key, digests));
            } else {
                unlisted++;
            }
        }
        return new TableVerdict(table, tallies, problems, differences, unlisted);
    }

    /** Key text to the digest of the normalized row (the reference shape's columns, in its order). */
    private static Map<String, String> readRows(Connection c, TableShape shape, TableShape reference)
            throws SQLException {
        Engine engine = engine(c);
        Dialect dialect = engine.dialect();
        boolean mariaDb = engine == Engine.MARIADB;
        Map<String, String> rows = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            if (mariaDb) {
                st.execute("SET time_zone = '+00:00'");
            }
            List<String> columns = new ArrayList<>(reference.columns().keySet());
            columns.retainAll(shape.columns().keySet());
            // MariaDB prints a FLOAT with 6 digits in its text protocol; as a DOUBLE it is exact.
            List<String> quoted = columns.stream().map(column -> mariaDb && "float".equals(
                    shape.column(column).typeName()) ? "CAST(" + dialect.quote(column) + " AS DOUBLE) AS "
                    + dialect.quote(column) : dialect.quote(column)).toList();
            try (ResultSet rs = st.executeQuery("SELECT " + String.join(", ", quoted) + " FROM "
                    + dialect.quote(shape.table()))) {
                while (rs.next()) {
                    List<String> keyParts = new ArrayList<>();
                    for (String key : shape.keyColumns()) {
                        keyParts.add(normalized(rs, key, shape.column(key)));
                    }
                    StringBuilder row = new StringBuilder();
                    for (String column : columns) {
                        String value = normalized(rs, column, shape.column(column));
                        row.append(value == null ? "\\N" : value.replace("\\", "\\\\").replace("|", "\\|")).append('|');
                    }
                    rows.put(KeyText.of(keyParts), digest(row.toString()));
                }
            }
        }
        return rows;
    }

    /** A value in the form every engine gives for the same value; null for SQL NULL. */
    static String normalized(ResultSet rs, String column, TableShape.ColumnType type) throws SQLException {
        Object raw = rs.getObject(column);
        if (raw == null) {
            return null;
        }
        String name = type.typeName();
        switch (name) {
            case "json", "jsonb":
                try {
                    return JSON.writeValueAsString(JSON.treeToValue(JSON.readTree(rs.getString(column)), Object.class));
                } catch (Exception e) {
                    return rs.getString(column);
                }
            case "timestamptz":
                return rs.getObject(column, OffsetDateTime.class).toInstant().toString();
            case "timestamp":
                // MariaDB's TIMESTAMP is an instant (read in UTC here); PostgreSQL's has no time zone.
                LocalDateTime local = rs.getObject(column, LocalDateTime.class);
                return engine(rs.getStatement().getConnection()) == Engine.MARIADB
                        ? local.toInstant(ZoneOffset.UTC).toString() : local.toString();
            case "datetime":
                return rs.getObject(column, LocalDateTime.class).toString();
            case "date":
                return rs.getObject(column, LocalDate.class).toString();
            case "time":
                return rs.getObject(column, LocalTime.class).toString();
            case "float4", "float":
                return Float.toString((float) rs.getDouble(column));
            case "bpchar", "char":
                return rs.getString(column).stripTrailing();
            case "bytea", "blob", "tinyblob", "mediumblob", "longblob", "binary", "varbinary":
                return HexFormat.of().formatHex(rs.getBytes(column));
            case "uuid":
                return rs.getString(column).toLowerCase();
            default:
                break;
        }
        if (raw instanceof Boolean b) {
            return b.toString();
        }
        if (raw instanceof Float f) {
            return Float.toString(f);
        }
        if (raw instanceof Double d) {
            return Double.toString(d);
        }
        if (raw instanceof Number) {
            BigDecimal d = rs.getBigDecimal(column);
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        return rs.getString(column);
    }

    private static Engine engine(Connection c) throws SQLException {
        return Engine.forJdbcUrl(c.getMetaData().getURL());
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
