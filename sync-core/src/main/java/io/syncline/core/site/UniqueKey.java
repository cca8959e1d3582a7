package io.syncline.core.site;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A unique index or constraint of a table other than its primary key, as the site's catalog describes
 * it: plain columns only (an index on expressions, a partial index or one on a column prefix is not
 * described, since equal column values do not tell whether two rows collide on it).
 *
 * <pre>{@code
 * UniqueKey email = new UniqueKey("users_email_key", List.of("email"), Set.of("email"));
 * email.nullable();   // [email]: a row's email can be set to NULL to end a collision
 * }</pre>
 *
 * @param name the index's or constraint's name
 * @param columns its columns, in index order
 * @param nullable those of its columns that can be NULL and whose NULL collides with nothing (empty for
 *     an index whose NULLs are not distinct)
 */
public record UniqueKey(String name, List<String> columns, Set<String> nullable) {

    public UniqueKey {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        nullable = Set.copyOf(nullable);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("unique key " + name + " has no columns; it needs at least one");
        }
        if (!columns.containsAll(nullable)) {
            throw new IllegalArgumentException("unique key " + name + " has nullable columns " + nullable
                    + " that are not among its columns " + columns);
        }
    }

    /**
     * Reads unique keys from a catalog query whose rows are, in this order: index name, column name,
     * whether the column's NULL collides with nothing (a boolean), and whether the index can be used
     * (a boolean: false for an index on a column prefix), sorted by index and column position. An index
     * with an unusable row is left out.
     */
    static List<UniqueKey> read(ResultSet rs) throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, List<String>> nullable = new LinkedHashMap<>();
        List<String> unusable = new ArrayList<>();
        while (rs.next()) {
            String index = rs.getString(1);
            String column = rs.getString(2);
            columns.computeIfAbsent(index, k -> new ArrayList<>()).add(column);
            List<String> nulls = nullable.computeIfAbsent(index, k -> new ArrayList<>());
            if (rs.getBoolean(3)) {
                nulls.add(column);
            }
            if (!rs.getBoolean(4)) {
                unusable.add(index);
            }
        }
        List<UniqueKey> keys = new ArrayList<>();
        for (Map.Entry<String, List<String>> index : columns.entrySet()) {
            if (!unusable.contains(index.getKey())) {
                keys.add(new UniqueKey(index.getKey(), index.getValue(), Set.copyOf(nullable.get(index.getKey()))));
            }
        }
        return keys;
    }
}
