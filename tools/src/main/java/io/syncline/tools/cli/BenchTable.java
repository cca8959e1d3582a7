package io.syncline.tools.cli;

import io.syncline.core.site.SqlIdentifiers;
import io.syncline.core.site.TableRef;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The benchmark's rows, about 200 bytes each: an id, four integers, a numeric, a timestamp and a
 * short text. {@code written_at} is the database clock when the row was written at the source;
 * {@code applied_at} is filled only at the receiving site, by a trigger, with its database clock
 * when the row arrived (both servers run on this machine, so they share one clock).
 *
 * <pre>{@code
 * BenchTable table = new BenchTable("public.bench_syncline");
 * stack.applySql(table.schema());
 * table.insertBatch(connection, 1, 100);        // ids 1..100 in one transaction
 * }</pre>
 */
record BenchTable(String name) {

    /** Length of the text column; with the other columns a row is about 200 bytes on disk. */
    static final int NOTE_LENGTH = 96;

    BenchTable {
        TableRef.parse(name);
    }

    String quoted() {
        return TableRef.parse(name).quoted();
    }

    String schema() {
        return "CREATE TABLE IF NOT EXISTS " + quoted() + " (id bigint PRIMARY KEY, qty integer NOT NULL, "
                + "bucket integer NOT NULL, flags integer NOT NULL, version bigint NOT NULL, "
                + "amount numeric(12,2) NOT NULL, written_at timestamptz NOT NULL, note text NOT NULL, "
                + "applied_at timestamptz)";
    }

    /** At the receiving site only: stamps each arriving row with the database clock. */
    String arrivalTrigger() {
        String function = SqlIdentifiers.quote("bench_arrival_" + name.replace('.', '_'));
        return "CREATE OR REPLACE FUNCTION public." + function + "() RETURNS trigger LANGUAGE plpgsql AS $f$ "
                + "BEGIN NEW.applied_at := clock_timestamp(); RETURN NEW; END $f$; "
                + "CREATE TRIGGER bench_arrival BEFORE INSERT OR UPDATE ON " + quoted()
                + " FOR EACH ROW EXECUTE FUNCTION public." + function + "()";
    }

    /** Inserts ids {@code first .. first+count-1} in one statement (the caller's transaction). */
    void insertBatch(Connection c, long first, int count) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql())) {
            ps.setLong(1, first);
            ps.setLong(2, first + count - 1);
            ps.executeUpdate();
        }
    }

    /** One statement that inserts ids {@code ?1 .. ?2}, values computed by the database. */
    String insertSql() {
        return "INSERT INTO " + quoted() + " SELECT g, (g % 1000)::int, (g % 17)::int, (g % 7)::int, g * 3, "
                + "round((g % 100000) / 7.0, 2), clock_timestamp(), "
                + "rpad('row ' || g, " + NOTE_LENGTH + ", '.') FROM generate_series(?::bigint, ?::bigint) g";
    }

    /** The same row as {@link #insertSql()} writes, bound to {@link #upsertSql()}. */
    static void bind(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        ps.setInt(2, (int) (id % 1000));
        ps.setInt(3, (int) (id % 17));
        ps.setInt(4, (int) (id % 7));
        ps.setLong(5, id * 3);
        ps.setBigDecimal(6, new BigDecimal(id % 100000).divide(BigDecimal.valueOf(7), 2,
                RoundingMode.HALF_UP));
        ps.setTimestamp(7, Timestamp.from(Instant.now()));
        StringBuilder note = new StringBuilder("row ").append(id);
        while (note.length() < NOTE_LENGTH) {
            note.append('.');
        }
        ps.setString(8, note.substring(0, NOTE_LENGTH));
    }

    /** An upsert of one row by id, for batched JDBC. */
    String upsertSql() {
        return "INSERT INTO " + quoted() + " (id, qty, bucket, flags, version, amount, written_at, note) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty, "
                + "bucket = EXCLUDED.bucket, flags = EXCLUDED.flags, version = EXCLUDED.version, "
                + "amount = EXCLUDED.amount, written_at = EXCLUDED.written_at, note = EXCLUDED.note";
    }

    long count(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM " + quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An order-independent checksum of every row's values (not of applied_at, which only one site has). */
    String checksum(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) || ':' || "
                + "coalesce(sum(hashtext(row(id, qty, bucket, flags, version, amount, written_at, note)::text)::bigint), 0) "
                + "FROM " + quoted())) {
            rs.next();
            return rs.getString(1);
        }
    }
}
