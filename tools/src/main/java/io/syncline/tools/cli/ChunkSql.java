package io.syncline.tools.cli;

import io.syncline.core.site.SqlIdentifiers;
import io.syncline.core.site.TableShape;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The SQL of a chunked checksum of one table: key boundaries, per-range digests and per-row digests.
 * Identifiers are quoted, key bounds are bound as text parameters and cast to the key column's type,
 * so a bound compares exactly as the key value it came from.
 *
 * <p>A row's image is {@code ROW(c1, c2, ...)::text} over the columns of the reference shape in its
 * order: every column's canonical text output, with {@code NULL} distinct from an empty string, and
 * independent of the physical column order at a site. A range's digest is its row count plus the sum
 * of the first 64 bits of every row's MD5 (as numeric, so it never overflows). The sum does not depend
 * on the order rows are read in, so sites whose collations or plans differ still agree on identical
 * rows; that no hash reduction is perfect matters little: a difference is missed only if two or more
 * row hashes cancel out exactly, about a 2^-64 chance.
 *
 * <pre>{@code
 * ChunkSql sql = new ChunkSql(shape);
 * PreparedStatement ps = connection.prepareStatement(sql.rangeDigest(range));
 * sql.bind(ps, 1, range);
 * }</pre>
 */
final class ChunkSql {

    private final TableShape shape;
    private final String from;
    private final String keyRow;
    private final String boundRow;
    private final String orderBy;
    private final String keyTexts;
    private final String rowHash;

    /** @param shape the reference shape (the first site's): its columns and primary key */
    ChunkSql(TableShape shape) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (!shape.hasPrimaryKey()) {
            throw new IllegalArgumentException("table " + shape.table() + " has no primary key");
        }
        List<String> keys = new ArrayList<>();
        List<String> bounds = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String column : shape.keyColumns()) {
            String ref = "t." + SqlIdentifiers.quote(column);
            keys.add(ref);
            bounds.add("CAST(? AS " + shape.column(column).sqlType() + ")");
            texts.add(ref + "::text");
        }
        List<String> columns = new ArrayList<>();
        for (String column : shape.columns().keySet()) {
            columns.add("t." + SqlIdentifiers.quote(column));
        }
        this.from = " FROM " + shape.table().quoted() + " AS t";
        this.keyRow = "(" + String.join(", ", keys) + ")";
        this.boundRow = "(" + String.join(", ", bounds) + ")";
        this.orderBy = " ORDER BY " + String.join(", ", keys);
        this.keyTexts = String.join(", ", texts);
        this.rowHash = "md5(ROW(" + String.join(", ", columns) + ")::text)";
    }

    int keyWidth() {
        return shape.keyColumns().size();
    }

    /**
     * The key texts of the row {@code chunkSize} rows after the first (or after {@code from}), in key
     * order; parameters: the lower bound if {@code afterBoundary}, then the offset.
     */
    String nextBoundary(boolean afterBoundary) {
        return "SELECT " + keyTexts + from + (afterBoundary ? " WHERE " + keyRow + " >= " + boundRow : "")
                + orderBy + " OFFSET ? LIMIT 1";
    }

    /** Row count and digest (see the class comment) of one range; bind with {@link #bind}. */
    String rangeDigest(KeyRange range) {
        return "SELECT count(*), coalesce(sum(('x' || left(" + rowHash + ", 16))::bit(64)::bigint::numeric), 0)::text"
                + from + where(range);
    }

    /** Every row of one range: its key texts and its image's MD5, in key order; bind with {@link #bind}. */
    String rangeRows(KeyRange range) {
        return "SELECT " + keyTexts + ", " + rowHash + from + where(range) + orderBy;
    }

    /** Binds the range's bounds from parameter {@code first} on; returns the next free parameter index. */
    int bind(PreparedStatement statement, int first, KeyRange range) throws SQLException {
        int i = first;
        for (List<String> bound : bounds(range)) {
            for (String value : bound) {
                statement.setString(i++, value);
            }
        }
        return i;
    }

    private String where(KeyRange range) {
        List<String> conditions = new ArrayList<>(2);
        if (range.lower() != null) {
            conditions.add(keyRow + " >= " + boundRow);
        }
        if (range.upper() != null) {
            conditions.add(keyRow + " < " + boundRow);
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private List<List<String>> bounds(KeyRange range) {
        List<List<String>> bounds = new ArrayList<>(2);
        for (List<String> bound : Arrays.asList(range.lower(), range.upper())) {
            if (bound != null) {
                if (bound.size() != keyWidth()) {
                    throw new IllegalArgumentException("bound " + bound + " has " + bound.size()
                            + " values; the key of " + shape.table() + " has " + keyWidth() + " columns");
                }
                bounds.add(bound);
            }
        }
        return bounds;
    }
}
