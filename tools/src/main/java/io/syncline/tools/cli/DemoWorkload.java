package io.syncline.tools.cli;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * A seeded mix of writes on the demo table {@code items}: multi-row insert transactions, updates
 * (single and multi-row), deletes. Counts every row write, which is the number of change events
 * the site's capture must ship.
 *
 * <pre>{@code
 * var workload = new DemoWorkload("public.items", 42L);
 * long writes = workload.run(connection, 10_000, 100, done -> progress.update(done));
 * }</pre>
 */
public final class DemoWorkload {

    /** The demo table; the same at every site. */
    public static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS public.items (
                id         bigint PRIMARY KEY,
                name       text NOT NULL,
                qty        integer NOT NULL,
                price      numeric(12,2),
                note       text,
                updated_at timestamptz NOT NULL DEFAULT now()
            )""";

    private final String table;
    private final long seed;
    private final long firstId;

    /** @param table quoted-ready schema.table name (letters, digits, underscores) */
    public DemoWorkload(String table, long seed) {
        this(checked(table), seed, 1);
    }

    private static String checked(String table) {
        if (!table.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("workload table '" + table + "' must be schema.table in lower case");
        }
        return table;
    }

    private DemoWorkload(String table, long seed, long firstId) {
        this.table = table;
        this.seed = seed;
        this.firstId = firstId;
    }

    /** The same workload with new rows numbered from {@code id} (so two sites can write disjoint rows). */
    public DemoWorkload withFirstId(long id) {
        return new DemoWorkload(table, seed, id);
    }

    public long seed() {
        return seed;
    }

    /**
     * Writes about {@code changes} row changes in transactions of up to {@code txSize} rows:
     * 60 % inserts, 30 % updates, 10 % deletes.
     *
     * @param afterTransaction called with the number of row writes so far after every commit
     * @return the number of row writes (each one change event at this site)
     */
    public long run(Connection c, int changes, int txSize, IntConsumer afterTransaction) throws SQLException {
        Random random = new Random(seed);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        List<Long> live = new ArrayList<>();
        long nextId = firstId;
        int writes = 0;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                        + " (id, name, qty, price, note) VALUES (?, ?, ?, ?, ?)");
                PreparedStatement update = c.prepareStatement("UPDATE " + table
                        + " SET qty = qty + ?, price = ?, note = ?, updated_at = now() WHERE id = ?");
                PreparedStatement updateRange = c.prepareStatement("UPDATE " + table
                        + " SET qty = qty + 1, updated_at = now() WHERE id BETWEEN ? AND ?");
                PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            while (writes < changes) {
                int target = Math.min(txSize, changes - writes);
                int inTx = 0;
                while (inTx < target) {
                    int dice = random.nextInt(10);
                    if (dice < 6 || live.size() < 10) {
                        long id = nextId++;
                        insert.setLong(1, id);
                        insert.setString(2, "item-" + id);
                        insert.setInt(3, random.nextInt(1000));
                        insert.setBigDecimal(4, BigDecimal.valueOf(random.nextInt(10_000_000), 2));
                        insert.setString(5, random.nextBoolean() ? null : "note " + Long.toHexString(random.nextLong()));
                        insert.addBatch();
                        live.add(id);
                        inTx++;
                    } else if (dice < 9) {
                        insert.executeBatch();
                        if (random.nextInt(5) == 0) {
                            long from = live.get(random.nextInt(live.size()));
                            updateRange.setLong(1, from);
                            updateRange.setLong(2, from + 4);
                            inTx += updateRange.executeUpdate();
                        } else {
                            update.setInt(1, 1 + random.nextInt(5));
                            update.setBigDecimal(2, BigDecimal.valueOf(random.nextInt(10_000_000), 2));
                            update.setString(3, "updated " + random.nextInt(1000));
                            update.setLong(4, live.get(random.nextInt(live.size())));
                            inTx += update.executeUpdate();
                        }
                    } else {
                        insert.executeBatch();
                        long id = live.remove(random.nextInt(live.size()));
                        delete.setLong(1, id);
                        inTx += delete.executeUpdate();
                    }
                }
                insert.executeBatch();
                c.commit();
                writes += inTx;
                afterTransaction.accept(writes);
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return writes;
    }
}
