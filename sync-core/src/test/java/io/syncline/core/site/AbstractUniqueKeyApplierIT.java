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
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unique keys other than the primary key at a real site {@code a} of each engine, with events written by
 * hand as site {@code b} would send them: a row of another primary key that holds the same unique value
 * is a {@code unique-key} conflict settled by "the lower key keeps the value" ({@code lowest-key-wins}),
 * logged with both rows, never a refused change; the upsert never writes over another row's unique value.
 * Tables: users (email nullable, unique), accounts (login NOT NULL, unique), contacts (email and phone,
 * each nullable and unique); every test uses its own tables.
 */
abstract class AbstractUniqueKeyApplierIT {

    static final SiteId A = SiteId.of("a");

    private static final SecureRandom RANDOM = new SecureRandom();

    private String users;
    private String accounts;
    private String contacts;
    private SiteApplier applier;

    /** The site's engine. */
    abstract Engine engine();

    /** A new connection to the site, installed with {@link #A}'s metadata. */
    abstract Connection connect() throws SQLException;

    @BeforeEach
    void createSchema() throws SQLException {
        String p = "uk" + Long.toHexString(RANDOM.nextLong() & 0xff_ffff_ffffL) + "_";
        users = p + "users";
        accounts = p + "accounts";
        contacts = p + "contacts";
        try (Connection c = connect()) {
            execute(c, "CREATE TABLE public." + users + " (id bigint PRIMARY KEY, email varchar(100) UNIQUE, "
                            + "name varchar(100))",
                    "CREATE TABLE public." + accounts + " (id bigint PRIMARY KEY, login varchar(100) NOT NULL UNIQUE, "
                            + "name varchar(100))",
                    "CREATE TABLE public." + contacts + " (id bigint PRIMARY KEY, email varchar(100), "
                            + "phone varchar(30), name varchar(100), UNIQUE (email), UNIQUE (phone))");
            List<TableRef> tables = new ArrayList<>();
            for (String table : List.of(users, accounts, contacts)) {
                tables.add(TableRef.parse("public." + table));
            }
            engine().installer(A, "crm").install(c, tables, Map.of());
        }
        applier = new SiteApplier(engine().dialect(), A, new NewestWins(), false);
    }

    @Test
    void twoSitesUsersWithOneEmailEndWithOneRowPerEmailAndAConflictWithBothRows() throws Exception {
        try (Connection c = connect()) {
            local("INSERT INTO public." + users + " VALUES (1, 'ada@example.com', 'Ada at a')",
                    "INSERT INTO public." + users + " VALUES (20, 'grace@example.com', 'Grace at a')");
            List<ChangeEvent> fromB = List.of(
                    upsert(users, 2, cols("id", 2L, "email", "ada@example.com", "name", "Ada at b"), "b:1"),
                    upsert(users, 10, cols("id", 10L, "email", "grace@example.com", "name", "Grace at b"), "b:2"),
                    upsert(users, 30, cols("id", 30L, "email", "alan@example.com", "name", "Alan"), "b:3"));

            BatchOutcome.Committed outcome = apply(c, fromB);

            assertThat(outcome.result().rejected()).as("nothing is refused").isEmpty();
            assertThat(outcome.result().applied()).isEqualTo(3);
            assertThat(outcome.conflicts()).containsExactly(
                    new LoggedConflict("public." + users, "2", ConflictType.UNIQUE_KEY, "lowest-key-wins"),
                    new LoggedConflict("public." + users, "20", ConflictType.UNIQUE_KEY, "lowest-key-wins"));
            assertThat(rows(c, users)).as("the lower key keeps the email, the other row stays without it")
                    .containsExactly("1 ada@example.com Ada at a", "2 null Ada at b", "10 grace@example.com Grace at b",
                            "20 null Grace at a", "30 alan@example.com Alan");
            assertThat(logged(c, users, "2")).isEqualTo("unique-key lowest-key-wins local | local row 1 "
                    + "ada@example.com | incoming row 2 ada@example.com | result email null");
            assertThat(logged(c, users, "20")).isEqualTo("unique-key lowest-key-wins incoming | local row 20 "
                    + "grace@example.com | incoming row 10 grace@example.com | result email null");
            assertThat(meta(c, users, "2")).as("the incoming row's version, written without its email")
                    .isEqualTo("b:1 live");
            assertThat(meta(c, users, "20")).as("the local loser keeps its version").startsWith("a:")
                    .endsWith(" live");

            BatchOutcome.Committed replay = apply(c, fromB);

            assertThat(replay.result()).as("a replay is skipped").isEqualTo(new ApplyResult(0, 3, 0));
            assertThat(conflictCount(c, users)).as("nothing logged twice").isEqualTo(2);
        }
    }

    @Test
    void aLoserWhoseUniqueColumnCannotBeNullIsDeletedAndItsReplayAndLaterVersionsStayDeleted() throws Exception {
        try (Connection c = connect()) {
            local("INSERT INTO public." + accounts + " VALUES (5, 'ada', 'local Ada')",
                    "INSERT INTO public." + accounts + " VALUES (50, 'alan', 'local Alan')");
            List<ChangeEvent> fromB = List.of(
                    upsert(accounts, 6, cols("id", 6L, "login", "ada", "name", "b's Ada"), "b:1"),
                    upsert(accounts, 40, cols("id", 40L, "login", "alan", "name", "b's Alan"), "b:2"));

            BatchOutcome.Committed outcome = apply(c, fromB);

            assertThat(outcome.result().rejected()).isEmpty();
            assertThat(outcome.conflicts()).containsExactly(
                    new LoggedConflict("public." + accounts, "6", ConflictType.UNIQUE_KEY, "lowest-key-wins"),
                    new LoggedConflict("public." + accounts, "50", ConflictType.UNIQUE_KEY, "lowest-key-wins"));
            assertThat(rows(c, accounts)).containsExactly("5 ada local Ada", "40 alan b's Alan");
            assertThat(meta(c, accounts, "6")).as("a tombstone of the incoming version").isEqualTo("b:1 deleted");
            assertThat(meta(c, accounts, "50")).as("a tombstone of the version it had").startsWith("a:")
                    .endsWith(" deleted");

            assertThat(apply(c, fromB).result()).isEqualTo(new ApplyResult(0, 2, 0));
            BatchOutcome.Committed later = apply(c, List.of(new ChangeEvent("public." + accounts, "6",
                    ChangeEvent.Op.UPSERT, List.of("id"), cols("id", 6L, "login", "ada", "name", "renamed at b"),
                    VersionVector.parse("b:3"), Dot.parse("b:3"), 0L, 0L, "")));

            assertThat(later.conflicts()).as("b's later update of the loser loses again")
                    .containsExactly(new LoggedConflict("public." + accounts, "6", ConflictType.UNIQUE_KEY,
                            "lowest-key-wins"));
            assertThat(rows(c, accounts)).containsExactly("5 ada local Ada", "40 alan b's Alan");
            assertThat(meta(c, accounts, "6")).isEqualTo("b:3 deleted");
        }
    }

    @Test
    void oneRowCollidingWithTwoRowsOnTwoUniqueKeysLosesToTheLowerAndWinsOverTheHigher() throws Exception {
        try (Connection c = connect()) {
            local("INSERT INTO public." + contacts + " VALUES (3, 'ada@example.com', '+1 555 0100', 'three')",
                    "INSERT INTO public." + contacts + " VALUES (8, 'grace@example.com', '+1 555 0199', 'eight')");
            ChangeEvent five = upsert(contacts, 5, cols("id", 5L, "email", "ada@example.com", "phone", "+1 555 0199",
                    "name", "five"), "b:1");

            BatchOutcome.Committed outcome = apply(c, List.of(five));

            assertThat(outcome.result().rejected()).isEmpty();
            assertThat(outcome.conflicts()).containsExactlyInAnyOrder(
                    new LoggedConflict("public." + contacts, "5", ConflictType.UNIQUE_KEY, "lowest-key-wins"),
                    new LoggedConflict("public." + contacts, "8", ConflictType.UNIQUE_KEY, "lowest-key-wins"));
            assertThat(rows(c, contacts)).containsExactly("3 ada@example.com +1 555 0100 three",
                    "5 null +1 555 0199 five", "8 grace@example.com null eight");
            assertThat(apply(c, List.of(five)).result()).isEqualTo(new ApplyResult(0, 1, 0));
        }
    }

    @Test
    void anUpdateNeverWritesOverAnotherRowThatHoldsTheValue() throws Exception {
        try (Connection c = connect()) {
            apply(c, List.of(upsert(users, 2, cols("id", 2L, "email", "old@example.com", "name", "two"), "b:1")));
            local("INSERT INTO public." + users + " VALUES (1, 'taken@example.com', 'one')");

            BatchOutcome.Committed outcome = apply(c, List.of(new ChangeEvent("public." + users, "2",
                    ChangeEvent.Op.UPSERT, List.of("id"), cols("id", 2L, "email", "taken@example.com", "name", "two!"),
                    VersionVector.parse("b:2"), Dot.parse("b:2"), 0L, 0L, "")));

            assertThat(outcome.conflicts()).containsExactly(
                    new LoggedConflict("public." + users, "2", ConflictType.UNIQUE_KEY, "lowest-key-wins"));
            assertThat(rows(c, users)).as("row 1 untouched (an upsert matching any unique key would update it)")
                    .containsExactly("1 taken@example.com one", "2 null two!");
        }
    }

    @Test
    void aPrimaryKeyCollisionAndARowKeepingItsOwnValueAreNoUniqueKeyConflict() throws Exception {
        try (Connection c = connect()) {
            local("INSERT INTO public." + users + " VALUES (7, 'same@example.com', 'local seven')");

            BatchOutcome.Committed insertInsert = apply(c, List.of(upsert(users, 7,
                    cols("id", 7L, "email", "same@example.com", "name", "b's seven"), "b:1")));

            assertThat(insertInsert.conflicts()).extracting(LoggedConflict::type)
                    .containsExactly(ConflictType.INSERT_INSERT);
            apply(c, List.of(upsert(users, 9, cols("id", 9L, "email", "nine@example.com", "name", "nine"), "b:2")));

            BatchOutcome.Committed own = apply(c, List.of(new ChangeEvent("public." + users, "9",
                    ChangeEvent.Op.UPSERT, List.of("id"), cols("id", 9L, "email", "nine@example.com", "name", "9"),
                    VersionVector.parse("b:3"), Dot.parse("b:3"), 0L, 0L, "")));

            assertThat(own.conflicts()).as("a row never collides with itself").isEmpty();
            assertThat(own.result()).isEqualTo(new ApplyResult(1, 0, 0));
            assertThat(rows(c, users)).containsExactly("7 same@example.com local seven", "9 nine@example.com 9");
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

    static Map<String, ColumnValue> cols(Object... namesAndValues) {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            columns.put((String) namesAndValues[i], value instanceof Long l ? ColumnValue.of(l)
                    : ColumnValue.of((String) value));
        }
        return columns;
    }

    /** Statements as the site's application runs them, on a connection of their own (not marked as applying). */
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

    /** Every row, by id, its columns joined by spaces (NULL as {@code null}). */
    private static List<String> rows(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM public." + table + " ORDER BY id")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    values.add(String.valueOf(rs.getString(i)));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
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

    /**
     * The row's one logged conflict: type, rule, winner, then the id and email of the local and the
     * incoming row images and the result's email.
     */
    private static String logged(Connection c, String table, String pk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT conflict_type, rule, winner, local_row, incoming_row, "
                + "result_row FROM syncline.conflicts WHERE table_name = ? AND pk = ?")) {
            ps.setString(1, "public." + table);
            ps.setString(2, pk);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a conflict of %s[%s]", table, pk).isTrue();
                String row = rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3)
                        + " | local row " + field(rs.getString(4), "id") + " " + field(rs.getString(4), "email")
                        + " | incoming row " + field(rs.getString(5), "id") + " " + field(rs.getString(5), "email")
                        + " | result email " + field(rs.getString(6), "email");
                assertThat(rs.next()).as("one conflict of %s[%s]", table, pk).isFalse();
                return row;
            }
        }
    }

    /** A field of a logged row image (flat JSON of simple values), or {@code null}. */
    private static String field(String json, String name) {
        var m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"([^\"]*)\"|[^,}]+)").matcher(json);
        if (!m.find()) {
            return "absent";
        }
        return m.group(2) != null ? m.group(2) : m.group(1).trim();
    }

    private static long conflictCount(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM syncline.conflicts WHERE table_name = ?")) {
            ps.setString(1, "public." + table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
