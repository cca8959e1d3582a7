package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Engine;
import io.syncline.core.apply.LoggedConflict;
import io.syncline.core.apply.OffsetUpdate;
import io.syncline.core.apply.RejectionHandler;
import io.syncline.core.apply.SiteApplier;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Foreign keys at a real site {@code a} of each engine, with events written by hand as site {@code b}
 * would send them: a batch writes parents before children whatever its order, and a change the keys
 * refuse because of a concurrent write elsewhere is a {@code foreign-key} conflict settled by "the
 * parent's deletion wins", never a refused change. The schema is customers, orders (RESTRICT to
 * customers), order lines (CASCADE) with reservations (RESTRICT to lines), payments (RESTRICT) with
 * refunds (RESTRICT to payments) and order notes (SET NULL); every test uses its own tables.
 */
abstract class AbstractForeignKeyApplierIT {

    static final SiteId A = SiteId.of("a");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final long now = System.currentTimeMillis() << 16;

    private String customers;
    private String orders;
    private String lines;
    private String payments;
    private String refunds;
    private String notes;
    private String reservations;
    private SiteApplier applier;

    /** The site's engine. */
    abstract Engine engine();

    /** A new connection to the site, installed with {@link #A}'s metadata. */
    abstract Connection connect() throws SQLException;

    /** Table options after a CREATE TABLE's column list, e.g. the storage engine. */
    String tableOptions() {
        return "";
    }

    @BeforeEach
    void createSchema() throws SQLException {
        String p = "fk" + Long.toHexString(RANDOM.nextLong() & 0xff_ffff_ffffL) + "_";
        customers = p + "customers";
        orders = p + "orders";
        lines = p + "order_lines";
        payments = p + "payments";
        refunds = p + "refunds";
        notes = p + "order_notes";
        reservations = p + "reservations";
        try (Connection c = connect()) {
            execute(c, "CREATE TABLE public." + customers + " (id bigint PRIMARY KEY, name varchar(100))"
                            + tableOptions(),
                    "CREATE TABLE public." + orders + " (id bigint PRIMARY KEY, customer_id bigint NOT NULL, "
                            + "note varchar(100), FOREIGN KEY (customer_id) REFERENCES public." + customers
                            + " (id) ON DELETE RESTRICT)" + tableOptions(),
                    "CREATE TABLE public." + lines + " (id bigint PRIMARY KEY, order_id bigint NOT NULL, "
                            + "item varchar(100), FOREIGN KEY (order_id) REFERENCES public." + orders
                            + " (id) ON DELETE CASCADE)" + tableOptions(),
                    "CREATE TABLE public." + payments + " (id bigint PRIMARY KEY, order_id bigint NOT NULL, "
                            + "amount bigint, FOREIGN KEY (order_id) REFERENCES public." + orders
                            + " (id) ON DELETE RESTRICT)" + tableOptions(),
                    "CREATE TABLE public." + refunds + " (id bigint PRIMARY KEY, payment_id bigint NOT NULL, "
                            + "amount bigint, FOREIGN KEY (payment_id) REFERENCES public." + payments
                            + " (id) ON DELETE RESTRICT)" + tableOptions(),
                    "CREATE TABLE public." + notes + " (id bigint PRIMARY KEY, order_id bigint, "
                            + "body varchar(100), FOREIGN KEY (order_id) REFERENCES public." + orders
                            + " (id) ON DELETE SET NULL)" + tableOptions(),
                    "CREATE TABLE public." + reservations + " (id bigint PRIMARY KEY, line_id bigint NOT NULL, "
                            + "FOREIGN KEY (line_id) REFERENCES public." + lines + " (id) ON DELETE RESTRICT)"
                            + tableOptions());
            List<TableRef> tables = new ArrayList<>();
            for (String table : List.of(customers, orders, lines, payments, refunds, notes, reservations)) {
                tables.add(TableRef.parse("public." + table));
            }
            engine().installer(A, "shop").install(c, tables, Map.of());
        }
        applier = new SiteApplier(engine().dialect(), A, new NewestWins(), false);
    }

    @Test
    void aBatchWritesParentsBeforeChildrenWhateverItsOrder() throws Exception {
        try (Connection c = connect()) {
            List<ChangeEvent> batch = List.of(
                    upsert(lines, 11, cols("id", 11L, "order_id", 10L, "item", "first line"), "b:4"),
                    upsert(orders, 10, cols("id", 10L, "customer_id", 1L, "note", "new"), "b:3"),
                    upsert(payments, 12, cols("id", 12L, "order_id", 10L, "amount", 500L), "b:5"),
                    upsert(customers, 1, cols("id", 1L, "name", "Ada"), "b:2"),
                    upsert(lines, 13, cols("id", 13L, "order_id", 10L, "item", "second line"), "b:6"));

            BatchOutcome.Committed outcome = apply(c, batch);

            assertThat(outcome.result()).as("written in one pass: a change-by-change pass in this order would "
                    + "refuse the first line").isEqualTo(new ApplyResult(5, 0, 0));
            assertThat(outcome.conflicts()).isEmpty();
            assertThat(count(c, lines, "order_id = 10")).isEqualTo(2);
            assertThat(count(c, payments, "order_id = 10")).isEqualTo(1);

            List<ChangeEvent> deletes = List.of(delete(orders, 10, "b:7", "b:7"),
                    delete(customers, 1, "b:8", "b:8"), delete(lines, 11, "b:9", "b:9"),
                    delete(payments, 12, "b:10", "b:10"), delete(lines, 13, "b:11", "b:11"));

            assertThat(apply(c, deletes).result()).as("deletes go children first")
                    .isEqualTo(new ApplyResult(5, 0, 0));
            assertThat(count(c, orders, "1 = 1") + count(c, lines, "1 = 1") + count(c, payments, "1 = 1")).isZero();
        }
    }

    @Test
    void childrenWrittenElsewhereForADeletedOrderFollowTheirKeysOnDeleteAction() throws Exception {
        try (Connection c = connect()) {
            apply(c, List.of(upsert(customers, 1, cols("id", 1L, "name", "Ada"), "b:1"),
                    upsert(orders, 20, cols("id", 20L, "customer_id", 1L, "note", "n"), "b:2")));
            local("DELETE FROM public." + orders + " WHERE id = 20");
            List<ChangeEvent> concurrent = List.of(
                    upsert(lines, 21, cols("id", 21L, "order_id", 20L, "item", "late line"), "b:3"),
                    upsert(notes, 22, cols("id", 22L, "order_id", 20L, "body", "call first"), "b:4"),
                    upsert(payments, 23, cols("id", 23L, "order_id", 20L, "amount", 700L), "b:5"),
                    upsert(customers, 2, cols("id", 2L, "name", "Grace"), "b:6"));

            BatchOutcome.Committed outcome = apply(c, concurrent);

            assertThat(outcome.result().rejected()).as("no change is refused").isEmpty();
            assertThat(outcome.conflicts()).containsExactly(
                    new LoggedConflict("public." + lines, "21", ConflictType.FOREIGN_KEY, "parent-delete-wins"),
                    new LoggedConflict("public." + notes, "22", ConflictType.FOREIGN_KEY, "parent-delete-wins"),
                    new LoggedConflict("public." + payments, "23", ConflictType.FOREIGN_KEY, "parent-delete-wins"));
            assertThat(outcome.result().applied()).isEqualTo(4);
            assertThat(count(c, lines, "1 = 1")).as("no orphan line (CASCADE)").isZero();
            assertThat(count(c, payments, "1 = 1")).as("no orphan payment (RESTRICT)").isZero();
            assertThat(single(c, "SELECT order_id FROM public." + notes + " WHERE id = 22"))
                    .as("the note is kept without its order (SET NULL)").isNull();
            assertThat(single(c, "SELECT body FROM public." + notes + " WHERE id = 22")).isEqualTo("call first");
            assertThat(single(c, "SELECT name FROM public." + customers + " WHERE id = 2")).isEqualTo("Grace");
            assertThat(meta(c, lines, "21")).as("the line's meta: a tombstone of the incoming version")
                    .isEqualTo("b:3 deleted");
            assertThat(meta(c, payments, "23")).isEqualTo("b:5 deleted");
            assertThat(meta(c, notes, "22")).isEqualTo("b:4 live");
            assertThat(logged(c, lines, "21")).isEqualTo("foreign-key parent-delete-wins local b:3");
            assertThat(logged(c, notes, "22")).isEqualTo("foreign-key parent-delete-wins merged b:4");

            BatchOutcome.Committed replay = apply(c, concurrent);

            assertThat(replay.result()).as("a replay is a no-op").isEqualTo(new ApplyResult(0, 4, 0));
            assertThat(replay.conflicts()).isEmpty();
            assertThat(count(c, lines, "1 = 1") + count(c, payments, "1 = 1")).isZero();
            assertThat(conflictCount(c)).as("nothing logged twice").isEqualTo(3);
        }
    }

    @Test
    void aDeletedOrderTakesTheLocalPaymentsThatWouldRefuseItWithIt() throws Exception {
        try (Connection c = connect()) {
            apply(c, List.of(upsert(customers, 1, cols("id", 1L, "name", "Ada"), "b:1"),
                    upsert(orders, 30, cols("id", 30L, "customer_id", 1L, "note", "n"), "b:2")));
            local("INSERT INTO public." + payments + " VALUES (31, 30, 900)",
                    "INSERT INTO public." + refunds + " VALUES (32, 31, 100)",
                    "INSERT INTO public." + lines + " VALUES (33, 30, 'reserved')",
                    "INSERT INTO public." + reservations + " VALUES (37, 33)",
                    "INSERT INTO public." + notes + " VALUES (34, 30, 'outlives the order')",
                    "INSERT INTO public." + orders + " VALUES (35, 1, 'another order')",
                    "INSERT INTO public." + payments + " VALUES (36, 35, 50)");
            List<ChangeEvent> deletion = List.of(delete(orders, 30, "b:3", "b:3"));

            BatchOutcome.Committed outcome = apply(c, deletion);

            assertThat(outcome.result().rejected()).isEmpty();
            assertThat(outcome.result().applied()).isEqualTo(1);
            assertThat(outcome.conflicts()).as("a refund below the payment, a reservation below a CASCADE line")
                    .containsExactlyInAnyOrder(
                    new LoggedConflict("public." + refunds, "32", ConflictType.FOREIGN_KEY, "parent-delete-wins"),
                    new LoggedConflict("public." + payments, "31", ConflictType.FOREIGN_KEY, "parent-delete-wins"),
                    new LoggedConflict("public." + reservations, "37", ConflictType.FOREIGN_KEY,
                            "parent-delete-wins"));
            assertThat(outcome.conflicts().indexOf(new LoggedConflict("public." + refunds, "32",
                    ConflictType.FOREIGN_KEY, "parent-delete-wins"))).as("children before their parents")
                    .isLessThan(outcome.conflicts().indexOf(new LoggedConflict("public." + payments, "31",
                            ConflictType.FOREIGN_KEY, "parent-delete-wins")));
            assertThat(count(c, orders, "id = 30")).isZero();
            assertThat(count(c, payments, "id = 31") + count(c, refunds, "1 = 1")).as("payment and its refund gone")
                    .isZero();
            assertThat(count(c, lines, "1 = 1") + count(c, reservations, "1 = 1"))
                    .as("the line went by CASCADE, its reservation first").isZero();
            assertThat(single(c, "SELECT order_id FROM public." + notes + " WHERE id = 34")).as("SET NULL").isNull();
            assertThat(count(c, payments, "id = 36")).as("another order's payment stays").isEqualTo(1);
            assertThat(meta(c, payments, "31")).startsWith("a:").endsWith(" deleted");
            assertThat(meta(c, orders, "30")).isEqualTo("b:3 deleted");
            assertThat(logged(c, payments, "31")).startsWith("foreign-key parent-delete-wins incoming a:");

            BatchOutcome.Committed replay = apply(c, deletion);

            assertThat(replay.result()).isEqualTo(new ApplyResult(0, 1, 0));
            assertThat(conflictCount(c)).isEqualTo(3);
        }
    }

    @Test
    void aReferencedParentsDeletionWinsItsUpdateDeleteConflictsWhicheverIsNewer() throws Exception {
        try (Connection c = connect()) {
            apply(c, List.of(upsert(customers, 1, cols("id", 1L, "name", "Ada"), "b:1"),
                    upsert(orders, 50, cols("id", 50L, "customer_id", 1L, "note", "n"), "b:2"),
                    upsert(orders, 51, cols("id", 51L, "customer_id", 1L, "note", "n"), "b:3")));
            local("DELETE FROM public." + orders + " WHERE id = 50", "UPDATE public." + orders
                    + " SET note = 'kept here' WHERE id = 51");
            long later = Long.MAX_VALUE / 4;
            // b updated 50 (concurrently with its deletion here) and deleted 51 (concurrently with the
            // update here); the test arbiter alone would keep the newest, b's update of 50.
            BatchOutcome.Committed outcome = apply(c, List.of(
                    new ChangeEvent("public." + orders, "50", ChangeEvent.Op.UPSERT, List.of("id"),
                            cols("id", 50L, "customer_id", 1L, "note", "updated at b"), VersionVector.parse("b:4"),
                            Dot.parse("b:4"), later, 0L, ""),
                    new ChangeEvent("public." + orders, "51", ChangeEvent.Op.DELETE, List.of("id"), cols("id", 51L),
                            VersionVector.parse("b:5"), Dot.parse("b:5"), 1L, 0L, "")));

            assertThat(outcome.conflicts()).containsExactlyInAnyOrder(
                    new LoggedConflict("public." + orders, "50", ConflictType.UPDATE_DELETE, "parent-delete-wins"),
                    new LoggedConflict("public." + orders, "51", ConflictType.UPDATE_DELETE, "parent-delete-wins"));
            assertThat(count(c, orders, "1 = 1")).as("both orders stay deleted").isZero();
        }
    }

    @Test
    void aChildOfAParentThisSiteNeverHeldIsRefusedNotDeleted() throws Exception {
        try (Connection c = connect()) {
            List<String> refused = new ArrayList<>();
            BatchOutcome outcome = applier.apply(c, List.of(
                    upsert(lines, 41, cols("id", 41L, "order_id", 40L, "item", "before its order"), "b:1")),
                    List.of(), rejected -> {
                        rejected.forEach(r -> refused.add(r.reason()));
                        return RejectionHandler.Decision.COMMIT_REST;
                    });

            assertThat(outcome).isInstanceOf(BatchOutcome.Committed.class);
            assertThat(refused).as("no deletion is known: this is no conflict, the change is refused").hasSize(1);
            assertThat(conflictCount(c)).isZero();
        }
    }

    BatchOutcome.Committed apply(Connection c, List<ChangeEvent> events) throws SQLException {
        BatchOutcome outcome = applier.apply(c, events, List.<OffsetUpdate>of(), rejected -> {
            throw new AssertionError("nothing may be refused here: " + rejected);
        });
        assertThat(outcome).isInstanceOf(BatchOutcome.Committed.class);
        return (BatchOutcome.Committed) outcome;
    }

    static ChangeEvent upsert(String table, long id, Map<String, ColumnValue> columns, String dot) {
        return new ChangeEvent("public." + table, Long.toString(id), ChangeEvent.Op.UPSERT, List.of("id"), columns,
                VersionVector.parse(dot), Dot.parse(dot), 0L, 0L, "");
    }

    private ChangeEvent delete(String table, long id, String vv, String dot) {
        return new ChangeEvent("public." + table, Long.toString(id), ChangeEvent.Op.DELETE, List.of("id"),
                cols("id", id), VersionVector.parse(vv), Dot.parse(dot), now, 0L, "");
    }

    /** Columns from names and values: a Long, a String or a ColumnValue (e.g. NULL). */
    static Map<String, ColumnValue> cols(Object... namesAndValues) {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            columns.put((String) namesAndValues[i], value instanceof ColumnValue v ? v
                    : value instanceof Long l ? ColumnValue.of(l) : ColumnValue.of((String) value));
        }
        return columns;
    }

    /**
     * Runs statements as the site's application would, on a connection of their own: an apply session
     * stays marked as applying at MariaDB (a session variable), and its writes would not be local.
     */
    void local(String... statements) throws SQLException {
        try (Connection c = connect()) {
            execute(c, statements);
        }
    }

    private static void execute(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    static String single(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row from %s", sql).isTrue();
                String value = rs.getString(1);
                assertThat(rs.next()).as("only one row from %s", sql).isFalse();
                return value;
            }
        }
    }

    private static long count(Connection c, String table, String where) throws SQLException {
        return Long.parseLong(single(c, "SELECT count(*) FROM public." + table + " WHERE " + where));
    }

    /** A row's meta entry: its vector and whether it is a tombstone, e.g. {@code b:3 deleted}. */
    private static String meta(Connection c, String table, String pk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT vv, deleted FROM syncline.row_meta WHERE table_name = ? AND pk = ?")) {
            ps.setString(1, "public." + table);
            ps.setString(2, pk);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a meta entry for %s[%s]", table, pk).isTrue();
                return rs.getString(1) + (rs.getBoolean(2) ? " deleted" : " live");
            }
        }
    }

    /** The row's one logged conflict: type, rule, winner and the local version's vector. */
    private static String logged(Connection c, String table, String pk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT conflict_type, rule, winner, incoming_vv, local_vv "
                + "FROM syncline.conflicts WHERE table_name = ? AND pk = ?")) {
            ps.setString(1, "public." + table);
            ps.setString(2, pk);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a conflict of %s[%s]", table, pk).isTrue();
                String winner = rs.getString(3);
                String row = rs.getString(1) + " " + rs.getString(2) + " " + winner + " "
                        + ("incoming".equals(winner) ? rs.getString(5) : rs.getString(4));
                assertThat(rs.next()).as("one conflict of %s[%s]", table, pk).isFalse();
                return row;
            }
        }
    }

    private long conflictCount(Connection c) throws SQLException {
        return Long.parseLong(single(c, "SELECT count(*) FROM syncline.conflicts WHERE table_name LIKE ?",
                "public." + customers.substring(0, customers.indexOf('_') + 1) + "%"));
    }
}
