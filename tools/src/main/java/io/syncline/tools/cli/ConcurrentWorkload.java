package io.syncline.tools.cli;

import io.syncline.core.apply.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * One site's application in a multi-master race: transactions of 1 to 4 operations on a small set
 * of hot keys, so that the sites' writes conflict: inserts of keys other sites insert too, updates,
 * deletes racing them, and primary-key changes. Seeded: the same seed gives the same operations
 * (the interleaving with other sites is up to the machine).
 *
 * <pre>{@code
 * var workload = new ConcurrentWorkload("public.accounts", 300, seed);
 * ConcurrentWorkload.Result r = workload.run(connection, "a", 3_400, done -> { });
 * }</pre>
 */
public final class ConcurrentWorkload {

    /** The workload's table; {@code %s} is its schema-qualified name. */
    public static final String SCHEMA = "CREATE TABLE IF NOT EXISTS %s (id bigint PRIMARY KEY, owner text NOT NULL, "
            + "balance bigint NOT NULL, note text, updated_at timestamptz NOT NULL DEFAULT now())";

    /** The same table at a MariaDB site ({@code %s} is {@code public.t}: table t of database public). */
    public static final String MARIADB_SCHEMA = "CREATE TABLE IF NOT EXISTS %s (id bigint PRIMARY KEY, "
            + "owner text NOT NULL, balance bigint NOT NULL, note text, "
            + "updated_at timestamp(6) NOT NULL DEFAULT current_timestamp(6))";

    /** What one site did: operations in committed transactions, and transactions the database refused. */
    public record Result(int committedOperations, int refusedTransactions) {
    }

    private final String table;
    private final int keys;
    private final long seed;

    /** @param table schema.table in lower case letters, digits and underscores */
    public ConcurrentWorkload(String table, int keys, long seed) {
        if (!table.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("workload table '" + table + "' must be schema.table in lower case");
        }
        if (keys < 1) {
            throw new IllegalArgumentException("keys was " + keys + ", must be at least 1");
        }
        this.table = table;
        this.keys = keys;
        this.seed = seed;
    }

    /**
     * Runs until {@code operations} operations have committed at this site.
     *
     * @param progress called with the committed operations after every commit
     */
    public Result run(Connection c, String site, int operations, IntConsumer progress) throws SQLException {
        Random random = new Random(seed);
        int committed = 0;
        int refused = 0;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        // An insert of a key that exists does nothing (and fires no trigger) at either engine.
        boolean mariaDb = Engine.MARIADB.ownsJdbcUrl(c.getMetaData().getURL());
        try (PreparedStatement insert = c.prepareStatement(mariaDb
                        ? "INSERT IGNORE INTO " + table + " (id, owner, balance, note) VALUES (?, ?, ?, ?)"
                        : "INSERT INTO " + table + " (id, owner, balance, note) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
                PreparedStatement update = c.prepareStatement("UPDATE " + table
                        + " SET balance = balance + ?, note = ?, updated_at = now() WHERE id = ?");
                PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
                PreparedStatement rekey = c.prepareStatement("UPDATE " + table + " SET id = ? WHERE id = ?")) {
            while (committed < operations) {
                int ops = 1 + random.nextInt(4);
                try {
                    for (int i = 0; i < ops; i++) {
                        long key = 1 + random.nextInt(keys);
                        int dice = random.nextInt(100);
                        if (dice < 35) {
                            insert.setLong(1, key);
                            insert.setString(2, site);
                            insert.setLong(3, random.nextInt(1000));
                            insert.setString(4, "created at " + site);
                            insert.executeUpdate();
                        } else if (dice < 75) {
                            update.setLong(1, 1 + random.nextInt(9));
                            update.setString(2, site + " " + random.nextInt(1_000_000));
                            update.setLong(3, key);
                            update.executeUpdate();
                        } else if (dice < 93) {
                            delete.setLong(1, key);
                            delete.executeUpdate();
                        } else {
                            rekey.setLong(1, 1 + random.nextInt(keys));
                            rekey.setLong(2, key);
                            rekey.executeUpdate();
                        }
                    }
                    c.commit();
                    committed += ops;
                    progress.accept(committed);
                } catch (SQLException e) {
                    // The application's own failure (a key another site's insert took, a deadlock
                    // with an apply): its transaction rolls back, as any application's would.
                    c.rollback();
                    refused++;
                }
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return new Result(committed, refused);
    }
}
