package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every type of docs/types.md, with its boundary values, written at a source site of one engine and
 * read back at a target site of another on the real stack (broker, worker, servers): the target holds
 * exactly what the source holds. One subclass per engine pair.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TypeFidelityIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    protected EmbeddedStack stack;

    /** The source site's engine: {@code postgres} or {@code mariadb}. */
    abstract String sourceEngine();

    /** The target site's engine. */
    abstract String targetEngine();

    /** The source site as {@code --sites} names it: its engine, or e.g. {@code postgres17} for a server version. */
    String sourceSite() {
        return sourceEngine();
    }

    /** The target site as {@code --sites} names it. */
    String targetSite() {
        return targetEngine();
    }

    @BeforeAll
    void startStack() {
        String group = "types" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:" + sourceSite() + ",b:" + targetSite())
                .withGroup(group));
        System.out.println(getClass().getSimpleName() + " embedded stack started in "
                + stack.startupTime().toMillis() + " ms");
        stack.applySql(TypeRows.POSTGRES_SCHEMA, TypeRows.MARIADB_SCHEMA);
        stack.startSync(List.of(TypeRows.TABLE), Map.of());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyTypeArrivesExactly() throws Exception {
        Map<Integer, Map<String, Object>> rows = TypeRows.rows();
        try (Connection a = stack.site("a").connect()) {
            for (Map.Entry<Integer, Map<String, Object>> row : rows.entrySet()) {
                insert(a, sourceEngine(), row.getKey(), row.getValue());
            }
        }
        long startedAt = System.nanoTime();
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            Deadlines.await("site b holds the " + rows.size() + " typed rows", Duration.ofSeconds(120),
                    () -> count(b, "id <= " + rows.size()) == rows.size(),
                    () -> quietCount(b) + " rows at b, failures " + stack.failures());
            System.out.println(getClass().getSimpleName() + ": typed rows arrived in "
                    + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
            Map<Integer, Map<String, Object>> atSource = read(a, sourceEngine());
            Map<Integer, Map<String, Object>> atTarget = read(b, targetEngine());
            for (Map.Entry<Integer, Map<String, Object>> row : rows.entrySet()) {
                Map<String, Object> expected = new LinkedHashMap<>();
                row.getValue().forEach((column, value) -> expected.put(column, expected(column, value)));
                assertThat(atSource.get(row.getKey())).as("row %d as the source %s holds it", row.getKey(),
                        sourceEngine()).isEqualTo(expected);
                for (String column : TypeRows.COLUMNS) {
                    assertThat(atTarget.get(row.getKey()).get(column))
                            .as("row %d column %s at the %s target", row.getKey(), column, targetEngine())
                            .isEqualTo(expected.get(column));
                }
            }
        }
        assertThat(stack.failures()).isEmpty();
    }

    /** Writes a row at a site, binding each value with its Java type. */
    protected static void insert(Connection c, String engine, int id, Map<String, Object> row) throws SQLException {
        boolean postgres = "postgres".equals(engine);
        List<String> placeholders = new ArrayList<>();
        placeholders.add("?");
        for (String column : row.keySet()) {
            placeholders.add(!postgres ? "?" : switch (column) {
                case "c_json" -> "CAST(? AS jsonb)";
                case "c_enum" -> "CAST(? AS public.mood)";
                default -> "?";
            });
        }
        String sql = "INSERT INTO " + (postgres ? "public.types_all" : "types_all") + " (id, "
                + String.join(", ", row.keySet()) + ") VALUES (" + String.join(", ", placeholders) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, id);
            int i = 2;
            for (Object value : row.values()) {
                if (value instanceof Instant instant) {
                    ps.setObject(i++, postgres ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC)
                            : LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
                } else if (value instanceof Float f) {
                    // Exactly the float: its text form (3.4028235E38) may lie beyond what it stands for.
                    ps.setDouble(i++, f);
                } else if (value instanceof UUID uuid && !postgres) {
                    ps.setString(i++, uuid.toString());
                } else {
                    ps.setObject(i++, value);
                }
            }
            ps.executeUpdate();
        }
    }

    /** Every row by id, each column in its comparable form (see {@link #expected}). */
    protected static Map<Integer, Map<String, Object>> read(Connection c, String engine) throws Exception {
        boolean postgres = "postgres".equals(engine);
        Map<Integer, Map<String, Object>> rows = new LinkedHashMap<>();
        // MariaDB prints a FLOAT with 6 digits in its text protocol; as a DOUBLE it is exact.
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(postgres
                ? "SELECT * FROM public.types_all ORDER BY id"
                : "SELECT t.*, CAST(c_real AS DOUBLE) AS c_real_exact FROM types_all t ORDER BY id")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String column : TypeRows.COLUMNS) {
                    row.put(column, rs.getObject(column) == null ? null : comparable(rs, column, postgres));
                }
                rows.put(rs.getInt("id"), row);
            }
        }
        return rows;
    }

    private static Object comparable(ResultSet rs, String column, boolean postgres) throws Exception {
        return switch (column) {
            case "c_tinyint", "c_smallint", "c_int", "c_bigint", "c_uint", "c_ubigint" ->
                    rs.getBigDecimal(column).toBigIntegerExact().toString();
            case "c_dec", "c_num" -> decimal(rs.getBigDecimal(column));
            case "c_real" -> Float.toString(postgres ? rs.getFloat(column) : (float) rs.getDouble("c_real_exact"));
            case "c_double" -> Double.toString(rs.getDouble(column));
            case "c_bool" -> rs.getBoolean(column);
            case "c_char" -> rs.getString(column).stripTrailing();
            case "c_bytes" -> HexFormat.of().formatHex(rs.getBytes(column));
            case "c_date" -> rs.getObject(column, LocalDate.class);
            case "c_time" -> rs.getObject(column, LocalTime.class);
            case "c_ts" -> rs.getObject(column, LocalDateTime.class);
            case "c_tstz" -> postgres ? rs.getObject(column, OffsetDateTime.class).toInstant()
                    : rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
            case "c_json" -> JSON.readTree(rs.getString(column));
            case "c_uuid" -> rs.getString(column).toLowerCase();
            default -> rs.getString(column);
        };
    }

    /** A value as {@link #comparable} reads it back. */
    protected static Object expected(String column, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (column) {
                case "c_tinyint", "c_smallint", "c_int", "c_bigint", "c_uint", "c_ubigint" ->
                        new BigDecimal(value.toString()).toBigIntegerExact().toString();
                case "c_dec", "c_num" -> decimal((BigDecimal) value);
                case "c_real" -> Float.toString((Float) value);
                case "c_double" -> Double.toString((Double) value);
                case "c_bytes" -> HexFormat.of().formatHex((byte[]) value);
                case "c_char" -> value.toString().stripTrailing();
                case "c_json" -> JSON.readTree(value.toString());
                case "c_uuid" -> value.toString();
                default -> value;
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The dead letters of a site's sink for the typed table, by id: the reason header of each. */
    protected Map<String, String> deadLetterReasons(String site) {
        Map<String, String> reasons = new LinkedHashMap<>();
        String prefix = TypeRows.TABLE + "/";
        for (TopicRecords.Read r : TopicRecords.readAll(stack.kafka().bootstrapServers(),
                stack.group() + ".dlq." + site)) {
            if (r.key() != null && r.key().startsWith(prefix)) {
                reasons.put(r.key().substring(prefix.length()), r.header("__connect.errors.exception.message"));
            }
        }
        return reasons;
    }

    /** Writes rows at a and waits until b refused the first ones and applied the last. */
    protected Map<String, String> refusedAtB(Map<Integer, Map<String, Object>> refused, int fitting)
            throws Exception {
        try (Connection a = stack.site("a").connect()) {
            for (Map.Entry<Integer, Map<String, Object>> row : refused.entrySet()) {
                insert(a, sourceEngine(), row.getKey(), row.getValue());
            }
            Map<String, Object> fits = new LinkedHashMap<>();
            TypeRows.COLUMNS.forEach(column -> fits.put(column, null));
            insert(a, sourceEngine(), fitting, fits);
        }
        try (Connection b = stack.site("b").connect()) {
            Deadlines.await("the fitting row " + fitting + " arrived at b", Duration.ofSeconds(120),
                    () -> count(b, "id = " + fitting) == 1, () -> "failures " + stack.failures());
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        Deadlines.await(refused.size() + " refused rows on the dead-letter topic of b", Duration.ofSeconds(60), () -> {
            reasons.clear();
            reasons.putAll(deadLetterReasons("b"));
            return reasons.size() >= refused.size();
        }, () -> String.valueOf(reasons));
        try (Connection b = stack.site("b").connect()) {
            for (int id : refused.keySet()) {
                assertThat(count(b, "id = " + id)).as("refused row %d is not at b", id).isZero();
            }
        }
        assertThat(stack.failures()).isEmpty();
        return reasons;
    }

    /** A row of NULLs but one column. */
    protected static Map<String, Object> only(String column, Object value) {
        Map<String, Object> row = new LinkedHashMap<>();
        TypeRows.COLUMNS.forEach(c -> row.put(c, c.equals(column) ? value : null));
        return row;
    }

    private static String decimal(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    protected static long count(Connection c, String where) throws SQLException {
        String table = c.getMetaData().getURL().startsWith("jdbc:postgresql:") ? "public.types_all" : "types_all";
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + " WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quietCount(Connection c) {
        try {
            return Long.toString(count(c, "1 = 1"));
        } catch (SQLException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
