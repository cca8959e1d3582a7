package io.syncline.tools.it;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The typed table of the type-fidelity tests at each engine, and its rows: every type of
 * docs/types.md with its boundary values (max, min, null, everyday values, empty string).
 */
final class TypeRows {

    static final String TABLE = "public.types_all";

    static final String POSTGRES_SCHEMA = """
            CREATE TYPE public.mood AS ENUM ('sad', 'happy', 'ecstatic');
            CREATE TABLE public.types_all (id integer PRIMARY KEY, c_tinyint smallint, c_smallint smallint,
                c_int integer, c_bigint bigint, c_uint bigint, c_ubigint numeric(20,0), c_dec numeric(38,10),
                c_num numeric, c_real real, c_double double precision, c_bool boolean, c_char char(10),
                c_varchar varchar(100), c_text text, c_bytes bytea, c_date date, c_time time, c_ts timestamp,
                c_tstz timestamptz, c_json jsonb, c_uuid uuid, c_enum public.mood)""";

    static final String MARIADB_SCHEMA = """
            CREATE TABLE types_all (id int PRIMARY KEY, c_tinyint tinyint, c_smallint smallint, c_int int,
                c_bigint bigint, c_uint int unsigned, c_ubigint bigint unsigned, c_dec decimal(38,10),
                c_num decimal(65,30), c_real float, c_double double, c_bool boolean, c_char char(10),
                c_varchar varchar(100), c_text longtext, c_bytes longblob, c_date date, c_time time(6),
                c_ts datetime(6), c_tstz timestamp(6) NULL DEFAULT NULL, c_json json, c_uuid char(36),
                c_enum enum('sad', 'happy', 'ecstatic'))""";

    static final List<String> COLUMNS = List.of("c_tinyint", "c_smallint", "c_int", "c_bigint", "c_uint",
            "c_ubigint", "c_dec", "c_num", "c_real", "c_double", "c_bool", "c_char", "c_varchar", "c_text", "c_bytes",
            "c_date", "c_time", "c_ts", "c_tstz", "c_json", "c_uuid", "c_enum");

    private TypeRows() {
    }

    /** The rows every engine pair must carry exactly, by id. */
    static Map<Integer, Map<String, Object>> rows() {
        Map<Integer, Map<String, Object>> rows = new LinkedHashMap<>();
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        rows.put(1, row(127, 32767, Integer.MAX_VALUE, Long.MAX_VALUE, 4294967295L,
                new BigDecimal("18446744073709551615"), new BigDecimal("9999999999999999999999999999.9999999999"),
                new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999"),
                Float.MAX_VALUE, Double.MAX_VALUE, true, "abcdefghij", "🚀".repeat(100),
                "emoji 🚀 and 𝄞, accents ñé, CJK 漢字, quote ' and backslash \\ and\nnewline", allBytes,
                LocalDate.of(9999, 12, 31), LocalTime.of(23, 59, 59, 999_999_000),
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
                Instant.parse("2038-01-19T03:14:07.999999Z"), "{\"a\": [1, 2.5, \"🚀\"], \"b\": null}",
                UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), "ecstatic"));
        rows.put(2, row(-128, -32768, Integer.MIN_VALUE, Long.MIN_VALUE, 0L, BigDecimal.ZERO,
                new BigDecimal("-9999999999999999999999999999.9999999999"),
                new BigDecimal("-0.000000000000000000000000000001"), -Float.MIN_NORMAL, -Double.MIN_NORMAL, false,
                "a", "", "", new byte[0], LocalDate.of(1000, 1, 1), LocalTime.MIDNIGHT,
                LocalDateTime.of(1000, 1, 1, 0, 0), Instant.parse("1970-01-01T00:00:01Z"), "[]",
                UUID.fromString("00000000-0000-0000-0000-000000000000"), "sad"));
        Map<String, Object> nulls = new LinkedHashMap<>();
        COLUMNS.forEach(c -> nulls.put(c, null));
        rows.put(3, nulls);
        rows.put(4, row(0, 42, -7, 1L << 40, 7L, new BigDecimal("12345678901234567890"),
                new BigDecimal("0.0000000001"), new BigDecimal("3.141592653589793238462643383279"), 0.1f, 0.1,
                true, "x y", "ñ漢字𝄞", "a", new byte[] {0, 1, 2}, LocalDate.of(2024, 2, 29),
                LocalTime.of(12, 0, 0, 1_000), LocalDateTime.of(2024, 2, 29, 12, 30, 45, 123_456_000),
                Instant.parse("2024-02-29T12:30:45.000001Z"), "{\"nested\": {\"x\": [true, false, null]}}",
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "happy"));
        return rows;
    }

    private static Map<String, Object> row(Object... values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < COLUMNS.size(); i++) {
            row.put(COLUMNS.get(i), values[i]);
        }
        return row;
    }
}
