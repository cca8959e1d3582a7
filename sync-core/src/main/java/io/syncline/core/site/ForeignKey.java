package io.syncline.core.site;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A foreign key as the site's catalog describes it: the child table's columns that reference the
 * parent's, and what the database does to the child rows when their parent row is deleted.
 *
 * <pre>{@code
 * ForeignKey lines = new ForeignKey("order_lines_order_id_fkey", TableRef.parse("public.order_lines"),
 *         List.of("order_id"), TableRef.parse("public.orders"), List.of("id"), ForeignKey.OnDelete.CASCADE);
 * lines.selfReferencing();   // false
 * }</pre>
 *
 * @param name the constraint's name
 * @param child the referencing table
 * @param childColumns the referencing columns, in the constraint's order
 * @param parent the referenced table
 * @param parentColumns the referenced columns, in the same order as {@code childColumns}
 * @param onDelete the constraint's ON DELETE action
 */
public record ForeignKey(String name, TableRef child, List<String> childColumns, TableRef parent,
        List<String> parentColumns, OnDelete onDelete) {

    /** The ON DELETE action of a foreign key. */
    public enum OnDelete {
        /** The child rows are deleted with their parent. */
        CASCADE,
        /** The child rows' referencing columns are set to NULL. */
        SET_NULL,
        /** The child rows' referencing columns are set to their defaults. */
        SET_DEFAULT,
        /** The parent's deletion is refused while children reference it (checked at once). */
        RESTRICT,
        /** The parent's deletion is refused while children reference it (checked at the statement's end). */
        NO_ACTION;

        /** Whether the database refuses to delete a parent row that child rows reference. */
        public boolean refusesParentDelete() {
            return this == RESTRICT || this == NO_ACTION;
        }

        /**
         * The action of an {@code information_schema.REFERENTIAL_CONSTRAINTS.DELETE_RULE}, e.g. {@code SET NULL}.
         *
         * @throws IllegalArgumentException for any other text
         */
        public static OnDelete ofRule(String rule) {
            String upper = Objects.requireNonNull(rule, "rule").trim().toUpperCase(Locale.ROOT);
            for (OnDelete action : values()) {
                if (action.name().replace('_', ' ').equals(upper)) {
                    return action;
                }
            }
            throw new IllegalArgumentException("ON DELETE rule was '" + rule
                    + "', must be CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION");
        }

        /**
         * The action of a PostgreSQL {@code pg_constraint.confdeltype}: {@code a} (no action), {@code r},
         * {@code c}, {@code n} (set null), {@code d} (set default).
         *
         * @throws IllegalArgumentException for any other code
         */
        public static OnDelete ofPostgresCode(String code) {
            return switch (Objects.requireNonNull(code, "code")) {
                case "a" -> NO_ACTION;
                case "r" -> RESTRICT;
                case "c" -> CASCADE;
                case "n" -> SET_NULL;
                case "d" -> SET_DEFAULT;
                default -> throw new IllegalArgumentException("confdeltype was '" + code
                        + "', must be one of a, r, c, n, d");
            };
        }
    }

    public ForeignKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(onDelete, "onDelete");
        childColumns = List.copyOf(childColumns);
        parentColumns = List.copyOf(parentColumns);
        if (childColumns.isEmpty() || childColumns.size() != parentColumns.size()) {
            throw new IllegalArgumentException("foreign key " + name + " of " + child + " has " + childColumns.size()
                    + " referencing and " + parentColumns.size() + " referenced columns; it needs as many of each, "
                    + "at least one");
        }
    }

    /** Whether the table references itself (e.g. a parent_id column of a tree). */
    public boolean selfReferencing() {
        return child.equals(parent);
    }

    /**
     * Runs a catalog query that takes the table's schema and name twice (as the child, then as the
     * parent) and returns rows as {@link #read} takes them.
     */
    static List<ForeignKey> query(Connection connection, String sql, TableRef table, Function<String, OnDelete> action)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            ps.setString(3, table.schema());
            ps.setString(4, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                return read(rs, action);
            }
        }
    }

    /**
     * Reads foreign keys from a catalog query whose rows are, in this order: constraint name, child
     * schema, child table, child column, parent schema, parent table, parent column, ON DELETE action
     * (read with {@code action}), sorted by constraint and column position.
     */
    static List<ForeignKey> read(ResultSet rs, Function<String, OnDelete> action)
            throws SQLException {
        Map<List<String>, List<String[]>> byConstraint = new LinkedHashMap<>();
        while (rs.next()) {
            String[] row = new String[8];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getString(i + 1);
            }
            byConstraint.computeIfAbsent(List.of(row[0], row[1], row[2]), k -> new ArrayList<>()).add(row);
        }
        List<ForeignKey> keys = new ArrayList<>();
        for (List<String[]> rows : byConstraint.values()) {
            String[] first = rows.get(0);
            List<String> childColumns = new ArrayList<>();
            List<String> parentColumns = new ArrayList<>();
            for (String[] row : rows) {
                childColumns.add(row[3]);
                parentColumns.add(row[6]);
            }
            keys.add(new ForeignKey(first[0], new TableRef(first[1], first[2]), childColumns,
                    new TableRef(first[4], first[5]), parentColumns, action.apply(first[7])));
        }
        return keys;
    }
}
