package io.syncline.connector.rest;

import io.syncline.core.apply.ConflictsTable;
import io.syncline.core.site.PostgresCatalog;
import io.syncline.core.site.RowImageSql;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Settles a parked conflict (resolver {@code manual}) the way a person chose: the kept version is
 * written at the site as a new local change, which the site's capture ships and every site applies
 * (its vector dominates both versions), and the conflict is marked settled.
 */
final class ConflictSettlement {

    /** The outcome, or why nothing was done (HTTP status and message). */
    record Outcome(int status, Map<String, Object> body) {
    }

    private ConflictSettlement() {
    }

    static Outcome settle(Connection c, long id, String keep, String site) throws SQLException {
        return settle(c, id, keep, site, null);
    }

    /**
     * @param edited with {@code keep=edit}: the row a person wrote, a JSON object of column values; its
     *     key columns are taken from the conflict's row, so an edit cannot move the row to another key
     */
    static Outcome settle(Connection c, long id, String keep, String site, String edited) throws SQLException {
        if (!keep.equals("local") && !keep.equals("incoming") && !keep.equals("edit")) {
            return new Outcome(400, Map.of("error_code", 400, "message", "keep was '" + keep
                    + "', must be local or incoming (the version the site held, or the one that arrived), or edit "
                    + "(with the row as a JSON object in the body)"));
        }
        if (keep.equals("edit") && (edited == null || !edited.trim().startsWith("{"))) {
            return new Outcome(400, Map.of("error_code", 400, "message", "keep=edit needs the row as a JSON object "
                    + "of column values in the request body, e.g. {\"v\":\"agreed\"}"));
        }
        c.setAutoCommit(false);
        try {
            Optional<ConflictsTable.Held> held = ConflictsTable.hold(c, id);
            if (held.isEmpty()) {
                c.rollback();
                return new Outcome(404, Map.of("error_code", 404, "message", "site " + site + " has no conflict " + id));
            }
            ConflictsTable.Held conflict = held.get();
            if (!"parked".equals(conflict.status())) {
                c.rollback();
                return new Outcome(409, Map.of("error_code", 409, "message", "conflict " + id + " at site " + site
                        + " is " + conflict.status() + ", not parked; only conflicts of the manual resolver wait for "
                        + "a person"));
            }
            String table = conflict.table();
            String pk = conflict.pk();
            boolean local = keep.equals("local");
            String row = local ? conflict.localRow() : conflict.incomingRow();
            boolean deleted = local ? conflict.localDeleted() : conflict.incomingDeleted();
            TableShape shape = PostgresCatalog.describe(c, TableRef.parse(table))
                    .orElseThrow(() -> new SQLException("table " + table + " of conflict " + id + " no longer exists"));
            if (keep.equals("edit")) {
                row = withKeyOf(c, edited, conflict.localRow() != null ? conflict.localRow() : conflict.incomingRow(),
                        shape);
                deleted = false;
            }
            if (deleted) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + shape.table().quoted()
                        + " AS t WHERE " + RowImageSql.keyMatches(shape))) {
                    ps.setString(1, pk);
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(RowImageSql.upsertFromJson(shape))) {
                    ps.setString(1, row);
                    ps.executeUpdate();
                }
            }
            ConflictsTable.settle(c, table, pk, (keep.equals("edit") ? "edited" : "keep " + keep) + " (REST)");
            c.commit();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("site", site);
            body.put("id", id);
            body.put("table", table);
            body.put("pk", pk);
            body.put("kept", keep);
            body.put("written", deleted ? "delete" : "upsert");
            return new Outcome(200, body);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /** The edited row with the key columns of the conflict's row (PostgreSQL's jsonb does the merge). */
    private static String withKeyOf(Connection c, String edited, String original, TableShape shape)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS jsonb) || coalesce((SELECT "
                + "jsonb_object_agg(k, v) FROM jsonb_each(CAST(? AS jsonb)) AS o(k, v) WHERE k = ANY (?)), "
                + "'{}'::jsonb)")) {
            ps.setString(1, edited);
            ps.setString(2, original == null ? "{}" : original);
            ps.setArray(3, c.createArrayOf("text", shape.keyColumns().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Marks the same row's parked conflicts settled at another site of the group (the new write settles them). */
    static int markSettled(Connection c, String table, String pk, String keep) throws SQLException {
        return ConflictsTable.settle(c, table, pk, "keep " + keep + " (REST, at another site)");
    }
}
