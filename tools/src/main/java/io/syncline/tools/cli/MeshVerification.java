package io.syncline.tools.cli;

import io.syncline.core.site.KeyText;
import io.syncline.core.site.PostgresCatalog;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks that every site of a mesh holds the same rows of a table, without moving the rows: the key
 * space is cut into ranges of about {@code chunkSize} rows of the first site (keyset pagination in
 * primary-key order), every site reports a row count and a digest per range, and only the ranges whose
 * digests differ are read row by row (key and row digest) to name the differing keys.
 *
 * <p>Each site is read in one read-only, repeatable-read transaction per table, so its ranges add up
 * to one consistent state of the table; the session settings that shape values' text (time zone, date,
 * interval, float and bytea output) are fixed in that transaction, so the digests of identical rows
 * agree whatever the sites' server settings are. The connections are left as they were given.
 *
 * <pre>{@code
 * MeshVerification verification = new MeshVerification(10_000, 100, MeshVerification.Progress.NONE);
 * TableVerdict verdict = verification.verify(Map.of("a", connA, "b", connB), TableRef.parse("public.orders"));
 * if (!verdict.equal()) verdict.differences().forEach(System.out::println);
 * }</pre>
 */
public final class MeshVerification {

    /** Rows of the first site per range unless told otherwise. */
    public static final int DEFAULT_CHUNK_SIZE = 10_000;
    /** Differing keys listed per table unless told otherwise; the rest are counted. */
    public static final int DEFAULT_LISTED_KEYS = 100;

    private static final int FETCH_SIZE = 2_000;
    private static final String SESSION_SETTINGS = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; "
            + "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'";

    /** Told after every range a site has digested; {@code total} is ranges times sites compared. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (table, done, total) -> { };

        void update(TableRef table, long done, long total);
    }

    private final int chunkSize;
    private final int listedKeys;
    private final Progress progress;

    /**
     * @param chunkSize rows of the first site per range, at least 1
     * @param listedKeys differing keys to list per table, at least 0 (the rest are counted)
     * @param progress told as ranges are digested
     */
    public MeshVerification(int chunkSize, int listedKeys, Progress progress) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize was " + chunkSize + ", must be >= 1");
        }
        if (listedKeys < 0) {
            throw new IllegalArgumentException("listedKeys was " + listedKeys + ", must be >= 0");
        }
        this.chunkSize = chunkSize;
        this.listedKeys = listedKeys;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Default chunk size and listed keys, no progress. */
    public static MeshVerification withDefaults() {
        return new MeshVerification(DEFAULT_CHUNK_SIZE, DEFAULT_LISTED_KEYS, Progress.NONE);
    }

    /**
     * Compares {@code table} at every site.
     *
     * @param sites site id to an open connection in autocommit mode, in the mesh's order; the first
     *     site that has the table gives the reference shape and the range boundaries
     * @throws IllegalArgumentException if no site has the table, or it has no primary key
     * @throws SQLException if a site fails a query; the message names the site and the table
     */
    public TableVerdict verify(Map<String, Connection> sites, TableRef table) throws SQLException {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("no site to verify " + table + " at");
        }
        if (CrossEngineVerification.needed(sites)) {
            return new CrossEngineVerification(listedKeys).verify(sites, table);
        }
        List<Snapshot> snapshots = new ArrayList<>();
        TableVerdict verdict;
        try {
            for (Map.Entry<String, Connection> site : sites.entrySet()) {
                Snapshot snapshot = new Snapshot(site.getKey(), table, site.getValue());
                snapshots.add(snapshot);
                snapshot.begin();
            }
            verdict = verify(snapshots, table);
        } catch (SQLException | RuntimeException e) {
            for (Snapshot snapshot : snapshots) {
                snapshot.endQuietly(e);
            }
            throw e;
        }
        for (Snapshot snapshot : snapshots) {
            snapshot.end();
        }
        return verdict;
    }

    private TableVerdict verify(List<Snapshot> snapshots, TableRef table) throws SQLException {
        Map<String, Optional<TableShape>> shapes = new LinkedHashMap<>();
        for (Snapshot s : snapshots) {
            shapes.put(s.site, s.run(() -> PostgresCatalog.describe(s.connection, table)));
        }
        Snapshot reference = snapshots.stream().filter(s -> shapes.get(s.site).isPresent()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + table + " exists at no site ("
                        + String.join(", ", shapes.keySet()) + ")"));
        TableShape shape = shapes.get(reference.site).orElseThrow();
        if (!shape.hasPrimaryKey()) {
            throw new IllegalArgumentException("table " + table + " has no primary key at site " + reference.site
                    + "; verify compares rows by primary key");
        }
        List<String> problems = new ArrayList<>();
        List<Snapshot> compared = new ArrayList<>();
        for (Snapshot s : snapshots) {
            String problem = ShapeDifference.between(reference.site, shape, s.site, shapes.get(s.site));
            if (problem == null || problem.startsWith(ShapeDifference.TYPES_ONLY)) {
                compared.add(s);
            }
            if (problem != null) {
                problems.add(problem);
            }
        }
        ChunkSql sql = new ChunkSql(shape);
        List<KeyRange> ranges = KeyRange.between(reference.run(() -> boundaries(reference.connection, sql)));

        Map<String, TableVerdict.SiteTally> tallies = new LinkedHashMap<>();
        for (Snapshot s : snapshots) {
            tallies.put(s.site, null);
        }
        long total = (long) ranges.size() * compared.size();
        AtomicLong done = new AtomicLong();
        // Sites are independent servers: each digests its ranges on its own thread, so a mesh takes
        // about as long as its slowest site.
        Map<String, List<String>> digests = perSite(compared, s -> {
            List<String> siteDigests = new ArrayList<>(ranges.size());
            for (KeyRange range : ranges) {
                siteDigests.add(rangeDigest(s.connection, sql, range));
                long now = done.incrementAndGet();
                synchronized (progress) {
                    progress.update(table, now, total);
                }
            }
            return siteDigests;
        });
        for (Map.Entry<String, List<String>> site : digests.entrySet()) {
            long rows = 0;
            BigInteger sum = BigInteger.ZERO;
            for (String digest : site.getValue()) {
                int colon = digest.indexOf(':');
                rows += Long.parseLong(digest.substring(0, colon));
                sum = sum.add(new BigInteger(digest.substring(colon + 1)));
            }
            tallies.put(site.getKey(), new TableVerdict.SiteTally(rows, ranges.size(), md5Hex(rows + ":" + sum)));
        }

        List<TableVerdict.KeyDifference> keys = new ArrayList<>();
        long unlisted = 0;
        for (int r = 0; r < ranges.size(); r++) {
            if (sameEverywhere(digests, r)) {
                continue;
            }
            KeyRange range = ranges.get(r);
            Map<String, Map<String, String>> rowsBySite = perSite(compared, s -> readRows(s.connection, sql, range));
            Map<String, Map<String, String>> sitesByKey = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, String>> site : rowsBySite.entrySet()) {
                for (Map.Entry<String, String> row : site.getValue().entrySet()) {
                    sitesByKey.computeIfAbsent(row.getKey(), k -> new LinkedHashMap<>()).put(site.getKey(), row.getValue());
                }
            }
            for (Map.Entry<String, Map<String, String>> entry : sitesByKey.entrySet()) {
                Map<String, String> perSite = entry.getValue();
                if (perSite.size() == compared.size() && perSite.values().stream().distinct().count() == 1) {
                    continue;
                }
                if (keys.size() < listedKeys) {
                    keys.add(new TableVerdict.KeyDifference(entry.getKey(), perSite));
                } else {
                    unlisted++;
                }
            }
        }
        return new TableVerdict(table, tallies, problems, keys, unlisted);
    }

    /** Runs {@code work} for every site at once, one thread each; the results in the sites' order. */
    private static <T> Map<String, T> perSite(List<Snapshot> sites, SiteWork<T> work) throws SQLException {
        Map<String, T> results = new LinkedHashMap<>();
        if (sites.size() == 1) {
            Snapshot only = sites.get(0);
            results.put(only.site, only.run(() -> work.run(only)));
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(sites.size(), r -> {
            Thread t = new Thread(r, "syncline-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<T>> futures = new LinkedHashMap<>();
            for (Snapshot s : sites) {
                futures.put(s.site, pool.submit(() -> s.run(() -> work.run(s))));
            }
            // Every site's work ends before this returns or throws, so no connection is still in use
            // when its transaction is ended; the first failure in the sites' order is the one thrown.
            Exception failure = null;
            for (Map.Entry<String, Future<T>> future : futures.entrySet()) {
                try {
                    results.put(future.getKey(), getUninterruptibly(future.getValue()));
                } catch (ExecutionException e) {
                    Exception cause = e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
            if (failure instanceof SQLException sqlException) {
                throw sqlException;
            }
            if (failure instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private static <T> T getUninterruptibly(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Keys of the first site's rows number chunkSize, 2 chunkSize, ... in key order. */
    private List<List<String>> boundaries(Connection c, ChunkSql sql) throws SQLException {
        List<List<String>> boundaries = new ArrayList<>();
        List<String> last = null;
        while (true) {
            try (PreparedStatement ps = c.prepareStatement(sql.nextBoundary(last != null))) {
                int i = 1;
                if (last != null) {
                    i = sql.bind(ps, 1, new KeyRange(last, null));
                }
                ps.setLong(i, chunkSize);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return boundaries;
                    }
                    last = keyParts(rs, sql.keyWidth());
                    boundaries.add(last);
                }
            }
        }
    }

    /** {@code count:sum} of the range (see {@link ChunkSql}). */
    private static String rangeDigest(Connection c, ChunkSql sql, KeyRange range) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rangeDigest(range))) {
            sql.bind(ps, 1, range);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + ":" + rs.getString(2);
            }
        }
    }

    /** Key text to row digest of every row in the range, in key order. */
    private static Map<String, String> readRows(Connection c, ChunkSql sql, KeyRange range) throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.rangeRows(range))) {
            ps.setFetchSize(FETCH_SIZE);
            sql.bind(ps, 1, range);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(KeyText.of(keyParts(rs, sql.keyWidth())), rs.getString(sql.keyWidth() + 1));
                }
            }
        }
        return rows;
    }

    private static List<String> keyParts(ResultSet rs, int width) throws SQLException {
        List<String> parts = new ArrayList<>(width);
        for (int i = 1; i <= width; i++) {
            parts.add(rs.getString(i));
        }
        return parts;
    }

    private static boolean sameEverywhere(Map<String, List<String>> digests, int range) {
        return digests.values().stream().map(d -> d.get(range)).distinct().count() <= 1;
    }

    static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /** One site's read-only snapshot transaction; {@link #end()} gives the connection back as it came. */
    private static final class Snapshot {
        private final String site;
        private final TableRef table;
        private final Connection connection;
        private final int isolation;
        private final boolean readOnly;

        private Snapshot(String site, TableRef table, Connection connection) throws SQLException {
            Objects.requireNonNull(connection, () -> "connection of site " + site);
            if (!connection.getAutoCommit()) {
                throw new IllegalArgumentException("the connection of site " + site + " is in a transaction; "
                        + "verify needs it in autocommit mode");
            }
            this.site = site;
            this.table = table;
            this.connection = connection;
            this.isolation = connection.getTransactionIsolation();
            this.readOnly = connection.isReadOnly();
        }

        void begin() throws SQLException {
            run(() -> {
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                connection.setReadOnly(true);
                connection.setAutoCommit(false);
                try (Statement st = connection.createStatement()) {
                    st.execute(SESSION_SETTINGS);
                }
                return null;
            });
        }

        <T> T run(SqlWork<T> work) throws SQLException {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new SQLException("site " + site + ", table " + table + ": " + e.getMessage(), e.getSQLState(), e);
            }
        }

        void end() throws SQLException {
            run(() -> {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
                connection.setReadOnly(readOnly);
                connection.setTransactionIsolation(isolation);
                return null;
            });
        }

        /** After a failure: ends the transaction if the connection still works, keeps the first failure. */
        void endQuietly(Exception failure) {
            try {
                end();
            } catch (SQLException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    @FunctionalInterface
    private interface SiteWork<T> {
        T run(Snapshot site) throws SQLException;
    }
}
