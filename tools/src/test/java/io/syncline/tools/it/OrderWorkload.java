package io.syncline.tools.it;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One site's application on an ordinary order schema: {@code customers}, {@code orders},
 * {@code order_lines} (ON DELETE CASCADE) and {@code payments} (ON DELETE RESTRICT), every write a
 * transaction of several rows of several tables. Orders and lines other sites created are used
 * (cross-site references), orders are deleted while other sites add lines and payments to them,
 * and orders are updated. Keys are the site's own ({@code site * 1,000,000,000 + n}); generated
 * keys are another issue. A transaction the site's database refuses (the order it names is not
 * here yet, or is gone) is rolled back, as an application's would be, and counted.
 *
 * <p>Shared between the sites' workloads: the orders and lines some site committed, so the others
 * pick them; and the payments committed, so the test can check what became of each.
 */
final class OrderWorkload {

    /** The four tables at both engines; {@code %1$s} is a suffix of the table names. */
    static final String SCHEMA = """
            CREATE TABLE customers%1$s (id bigint PRIMARY KEY, name varchar(100) NOT NULL);
            CREATE TABLE orders%1$s (id bigint PRIMARY KEY, customer_id bigint NOT NULL,
                status varchar(20) NOT NULL, total numeric(12,2) NOT NULL,
                CONSTRAINT orders%1$s_customer FOREIGN KEY (customer_id) REFERENCES customers%1$s (id));
            CREATE TABLE order_lines%1$s (id bigint PRIMARY KEY, order_id bigint NOT NULL,
                sku varchar(20) NOT NULL, qty int NOT NULL,
                CONSTRAINT order_lines%1$s_order FOREIGN KEY (order_id) REFERENCES orders%1$s (id) ON DELETE CASCADE);
            CREATE TABLE payments%1$s (id bigint PRIMARY KEY, order_id bigint NOT NULL, amount numeric(12,2) NOT NULL,
                CONSTRAINT payments%1$s_order FOREIGN KEY (order_id) REFERENCES orders%1$s (id) ON DELETE RESTRICT);
            """;

    static final int CUSTOMERS = 20;

    /** What the mesh's workloads share. */
    static final class Shared {
        final Set<Long> orders = ConcurrentHashMap.newKeySet();
        final Set<Long> lines = ConcurrentHashMap.newKeySet();
        final Map<Long, Long> payments = new ConcurrentHashMap<>();
        final Set<Long> deletedPayments = ConcurrentHashMap.newKeySet();
    }

    /** What one site did. */
    record Result(int committed, int refused, int deletes, int crossSiteWrites) {
    }

    private final String suffix;
    private final int siteIndex;
    private final long seed;
    private final Shared shared;
    private long next;

    OrderWorkload(String suffix, int siteIndex, long seed, Shared shared) {
        this.suffix = suffix;
        this.siteIndex = siteIndex;
        this.seed = seed;
        this.shared = shared;
    }

    Result run(Connection c, int transactions) throws SQLException {
        Random random = new Random(seed);
        c.setAutoCommit(false);
        int committed = 0;
        int refused = 0;
        int deletes = 0;
        int cross = 0;
        for (int t = 0; t < transactions; t++) {
            List<Runnable> onCommit = new ArrayList<>();
            int kind = random.nextInt(100);
            boolean crossSite = false;
            boolean delete = false;
            try {
                if (kind < 35 || shared.orders.isEmpty()) {
                    newOrder(c, random, onCommit);
                } else if (kind < 55) {
                    crossSite = addLine(c, random, pick(random, shared.orders), onCommit);
                } else if (kind < 65) {
                    crossSite = addPayment(c, random, pick(random, shared.orders), onCommit);
                } else if (kind < 80) {
                    crossSite = updateOrder(c, random, pick(random, shared.orders));
                } else if (kind < 90) {
                    crossSite = deleteOrder(c, pick(random, shared.orders), onCommit);
                    delete = true;
                } else {
                    crossSite = updateLine(c, random, shared.lines.isEmpty() ? -1 : pick(random, shared.lines));
                }
                c.commit();
                committed++;
                deletes += delete ? 1 : 0;
                cross += crossSite ? 1 : 0;
                onCommit.forEach(Runnable::run);
            } catch (SQLException e) {
                c.rollback();
                refused++;
            }
        }
        return new Result(committed, refused, deletes, cross);
    }

    private long newKey() {
        return siteIndex * 1_000_000_000L + ++next;
    }

    private void newOrder(Connection c, Random random, List<Runnable> onCommit) throws SQLException {
        long order = newKey();
        execute(c, "INSERT INTO orders" + suffix + " (id, customer_id, status, total) VALUES (?, ?, 'new', ?)",
                order, 1 + random.nextInt(CUSTOMERS), money(random));
        int lines = 1 + random.nextInt(3);
        for (int i = 0; i < lines; i++) {
            long line = newKey();
            execute(c, "INSERT INTO order_lines" + suffix + " (id, order_id, sku, qty) VALUES (?, ?, ?, ?)", line,
                    order, "sku-" + random.nextInt(50), 1 + random.nextInt(5));
            onCommit.add(() -> shared.lines.add(line));
        }
        if (random.nextInt(10) < 3) {
            long payment = newKey();
            execute(c, "INSERT INTO payments" + suffix + " (id, order_id, amount) VALUES (?, ?, ?)", payment, order,
                    money(random));
            onCommit.add(() -> shared.payments.put(payment, order));
        }
        onCommit.add(() -> shared.orders.add(order));
    }

    private boolean addLine(Connection c, Random random, long order, List<Runnable> onCommit) throws SQLException {
        long line = newKey();
        execute(c, "INSERT INTO order_lines" + suffix + " (id, order_id, sku, qty) VALUES (?, ?, ?, ?)", line, order,
                "sku-" + random.nextInt(50), 1 + random.nextInt(5));
        execute(c, "UPDATE orders" + suffix + " SET total = total + 1 WHERE id = ?", order);
        onCommit.add(() -> shared.lines.add(line));
        return !ownKey(order);
    }

    private boolean addPayment(Connection c, Random random, long order, List<Runnable> onCommit) throws SQLException {
        long payment = newKey();
        execute(c, "INSERT INTO payments" + suffix + " (id, order_id, amount) VALUES (?, ?, ?)", payment, order,
                money(random));
        // Only an order not paid yet: a MariaDB UPDATE that changes nothing records a version that never
        // ships (README, known limits), which is not what this test is about.
        execute(c, "UPDATE orders" + suffix + " SET status = 'paid' WHERE id = ? AND status <> 'paid'", order);
        onCommit.add(() -> shared.payments.put(payment, order));
        return !ownKey(order);
    }

    private boolean updateOrder(Connection c, Random random, long order) throws SQLException {
        execute(c, "UPDATE orders" + suffix + " SET status = ?, total = ? WHERE id = ?",
                random.nextBoolean() ? "shipped" : "packed", money(random), order);
        return !ownKey(order);
    }

    private boolean deleteOrder(Connection c, long order, List<Runnable> onCommit) throws SQLException {
        // The application removes the payments it sees; the lines go with the order (cascade).
        List<Long> removed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM payments" + suffix + " WHERE order_id = ? "
                + "RETURNING id")) {
            ps.setLong(1, order);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    removed.add(rs.getLong(1));
                }
            }
        }
        execute(c, "DELETE FROM orders" + suffix + " WHERE id = ?", order);
        onCommit.add(() -> {
            shared.orders.remove(order);
            shared.deletedPayments.addAll(removed);
        });
        return !ownKey(order);
    }

    private boolean updateLine(Connection c, Random random, long line) throws SQLException {
        if (line < 0) {
            return false;
        }
        execute(c, "UPDATE order_lines" + suffix + " SET qty = qty + ? WHERE id = ?", 1 + random.nextInt(3), line);
        return !ownKey(line);
    }

    private boolean ownKey(long key) {
        return key / 1_000_000_000L == siteIndex;
    }

    private static long pick(Random random, Set<Long> keys) {
        Long[] all = keys.toArray(new Long[0]);
        return all.length == 0 ? -1 : all[random.nextInt(all.length)];
    }

    private static BigDecimal money(Random random) {
        return BigDecimal.valueOf(100 + random.nextInt(100_000), 2);
    }

    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
