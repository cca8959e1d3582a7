package io.syncline.tools.cli;

import io.syncline.testkit.Deadlines;
import io.syncline.testkit.SiteServer;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The measurements of {@code syncline bench}, each on its own table of the same shape at sites a
 * and b. A phase's time runs from the database clock at a just before the first write to the
 * latest {@code applied_at} at b (the database clock when the last row arrived), so polling for the
 * end adds nothing to it.
 */
final class BenchPhases {

    /** Source transactions of the throughput phases. */
    static final int TRANSACTION_ROWS = 100;

    /** One throughput measurement. */
    record Throughput(String phase, long rows, long millis, long writeMillis, double load, boolean equal) {
        double rowsPerSecond() {
            return millis <= 0 ? 0 : rows * 1000.0 / millis;
        }
    }

    /** Commit-to-apply lag at one offered rate. */
    record Lag(int offeredRate, double achievedRate, long rows, double p50Millis, double p99Millis,
            double maxMillis, double load) {
    }

    private final EmbeddedStack stack;
    private final Duration timeout;

    BenchPhases(EmbeddedStack stack, Duration timeout) {
        this.stack = stack;
        this.timeout = timeout;
    }

    /** The same rows upserted straight into b by one client with batched JDBC. */
    Throughput ceiling(BenchTable table, long rows) throws SQLException {
        SiteServer b = stack.site("b");
        try (Connection c = DriverManager.getConnection(b.jdbcUrl() + "?reWriteBatchedInserts=true", b.user(),
                b.password())) {
            String start = now(c);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(table.upsertSql())) {
                for (long id = 1; id <= rows; id++) {
                    BenchTable.bind(ps, id);
                    ps.addBatch();
                    if (id % 1000 == 0 || id == rows) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            c.setAutoCommit(true);
            long millis = spanMillis(c, table, start);
            return new Throughput("ceiling", rows, millis, millis, load(), table.count(c) == rows);
        }
    }

    /**
     * Sends {@code warmup} rows (ids after the {@code rows} measured ones) the same way as
     * {@link #endToEnd}, unmeasured, and waits until b has them: the measured rows then meet a
     * pipeline whose code the JVM has already compiled, as in a long-running worker.
     */
    void warmUp(String phase, BenchTable table, long rows, long warmup) throws SQLException {
        if (warmup == 0) {
            return;
        }
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            writeRows(a, table, rows + 1, rows + warmup);
            awaitRows(b, new ArrivalWatch(table, rows + 1, rows + warmup), phase + " warm-up");
        }
    }

    /**
     * Writes {@code rows} rows at a in transactions of {@link #TRANSACTION_ROWS} as fast as one
     * client can, and waits until b has them all (and the {@code warmup} rows sent before).
     */
    Throughput endToEnd(String phase, BenchTable table, long rows, long warmup) throws SQLException {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            String start = now(a);
            long began = System.nanoTime();
            writeRows(a, table, 1, rows);
            long writeMillis = (System.nanoTime() - began) / 1_000_000;
            awaitRows(b, new ArrivalWatch(table, 1, rows), phase);
            long millis = spanMillis(b, table, start);
            return new Throughput(phase, rows, millis, writeMillis, load(),
                    table.checksum(a).equals(table.checksum(b)));
        }
    }

    /**
     * One statement, one transaction, {@code rows} rows at a; waits until b has them all, telling
     * {@code progress} every 30 s how many arrived.
     */
    Throughput singleTransaction(BenchTable table, long rows, LongConsumer progress)
            throws SQLException {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            String start = now(a);
            long began = System.nanoTime();
            table.insertBatch(a, 1, (int) rows);
            long writeMillis = (System.nanoTime() - began) / 1_000_000;
            progress.accept(-1);
            long[] nextReport = {System.nanoTime() + 30_000_000_000L};
            ArrivalWatch watch = new ArrivalWatch(table, 1, rows);
            Deadlines.await("site b has the " + rows + " rows of the large transaction", timeout, () -> {
                long arrived = watch.arrived(b);
                if (System.nanoTime() > nextReport[0]) {
                    progress.accept(arrived);
                    nextReport[0] += 30_000_000_000L;
                }
                return arrived == watch.size();
            }, () -> "b has " + quietly(() -> table.count(b)) + ", failures " + stack.failures());
            long millis = spanMillis(b, table, start);
            return new Throughput("large-tx", rows, millis, writeMillis, load(),
                    table.checksum(a).equals(table.checksum(b)));
        }
    }

    /**
     * Offers {@code rate} rows per second at a for {@code seconds}, one transaction every 10 ms,
     * then reads each row's written_at (a's clock at the write, just before commit) and
     * applied_at (b's clock at the apply) at b.
     */
    Lag lag(BenchTable table, int rate, int seconds, long firstId) throws SQLException {
        int perTick = Math.max(1, rate / 100);
        long ticks = seconds * 100L;
        long rows = perTick * ticks;
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            long startedAt = System.nanoTime();
            long next = startedAt;
            for (long tick = 0; tick < ticks; tick++) {
                table.insertBatch(a, firstId + tick * perTick, perTick);
                next += 10_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the offered rate
                }
            }
            double achieved = rows * 1e9 / (System.nanoTime() - startedAt);
            long last = firstId + rows - 1;
            ArrivalWatch watch = new ArrivalWatch(table, firstId, last);
            Deadlines.await("site b has the " + rows + " rows offered at " + rate + " rows/s", timeout,
                    () -> watch.all(b),
                    () -> "b has " + quietly(() -> countBetween(b, table, firstId, last)) + ", failures "
                            + stack.failures());
            try (PreparedStatement ps = b.prepareStatement("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), "
                    + "percentile_cont(0.99) WITHIN GROUP (ORDER BY d), max(d) FROM (SELECT extract(epoch FROM "
                    + "applied_at - written_at) * 1000 AS d FROM " + table.quoted() + " WHERE id BETWEEN ? AND ?) x")) {
                ps.setLong(1, firstId);
                ps.setLong(2, last);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Lag(rate, achieved, rows, rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), load());
                }
            }
        }
    }

    /** Rows {@code first} to {@code last} at a, in transactions of {@link #TRANSACTION_ROWS}. */
    private static void writeRows(Connection a, BenchTable table, long first, long last) throws SQLException {
        for (long id = first; id <= last; id += TRANSACTION_ROWS) {
            table.insertBatch(a, id, (int) Math.min(TRANSACTION_ROWS, last - id + 1));
        }
    }

    private void awaitRows(Connection b, ArrivalWatch watch, String phase) {
        Deadlines.await("site b has the " + watch.size() + " rows of the " + phase + " phase", timeout,
                () -> watch.all(b),
                () -> "b has at least " + quietly(() -> watch.arrived(b)) + " of them, failures " + stack.failures());
    }

    private static long countBetween(Connection c, BenchTable table, long first, long last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table.quoted()
                + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, first);
            ps.setLong(2, last);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String now(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT clock_timestamp()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** From {@code start} (a database clock reading) to the latest arrival at b, in ms. */
    private static long spanMillis(Connection b, BenchTable table, String start) throws SQLException {
        try (PreparedStatement ps = b.prepareStatement("SELECT (extract(epoch FROM max(applied_at) - ?::timestamptz) "
                + "* 1000)::bigint FROM " + table.quoted())) {
            ps.setString(1, start);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The machine's 1-minute load average (the machine is shared; it goes beside every figure). */
    static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private interface Query {
        long get() throws SQLException;
    }

    private static String quietly(Query query) {
        try {
            return Long.toString(query.get());
        } catch (SQLException e) {
            return e.getMessage();
        }
    }
}
