package io.syncline.tools.cli;

import io.syncline.core.RowId;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.Dialect;
import io.syncline.core.apply.MetaEntry;
import io.syncline.core.apply.RowMetaTable;
import io.syncline.core.apply.RowVersion;
import io.syncline.core.site.PostgresCatalog;
import io.syncline.core.site.RowImageSql;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Makes sites that differ equal again: for each differing key, the winning version (the one whose
 * vector dominates the others; among concurrent ones the newer hybrid clock, then site id; then the
 * first site) is copied to every site that holds something else, as a Syncline apply (not re-captured),
 * with the joined vector in the row's meta so that later changes order correctly.
 *
 * <pre>{@code
 * List<MeshRepair.Action> plan = MeshRepair.plan(connections, table, differingKeys);
 * MeshRepair.apply(connections, table, plan);
 * }</pre>
 */
final class MeshRepair {

    /** One site's version of a row: its meta (if any) and its row image (null when absent). */
    record SiteVersion(String site, VersionVector vv, long hlc, String origin, long seq, String rowJson) {
        boolean present() {
            return rowJson != null;
        }
    }

    /** Copy the winner's version of {@code key} (or its absence) to {@code targets}. */
    record Action(TableRef table, String key, String from, List<String> targets, boolean delete, String rowJson,
            SiteVersion winner, VersionVector joined) {
        String describe() {
            return table + " key " + key + ": " + (delete ? "delete at " : "copy " + from + "'s row to ")
                    + String.join(", ", targets) + " (winner " + from + ", origin " + winner.origin() + ":"
                    + winner.seq() + ")";
        }
    }

    private MeshRepair() {
    }

    static List<Action> plan(Map<String, Connection> sites, TableRef table, List<String> keys) throws SQLException {
        TableShape shape = shape(sites.values().iterator().next(), table);
        List<Action> actions = new ArrayList<>();
        for (String key : keys) {
            Map<String, SiteVersion> versions = new LinkedHashMap<>();
            for (Map.Entry<String, Connection> site : sites.entrySet()) {
                versions.put(site.getKey(), read(site.getValue(), shape, site.getKey(), key));
            }
            SiteVersion winner = winner(new ArrayList<>(versions.values()));
            VersionVector joined = VersionVector.empty();
            for (SiteVersion v : versions.values()) {
                joined = joined.join(v.vv());
            }
            List<String> targets = new ArrayList<>();
            for (SiteVersion v : versions.values()) {
                if (v != winner && !Objects.equals(v.rowJson(), winner.rowJson())) {
                    targets.add(v.site());
                }
            }
            if (!targets.isEmpty()) {
                actions.add(new Action(table, key, winner.site(), targets, !winner.present(), winner.rowJson(), winner,
                        joined));
            }
        }
        return actions;
    }

    /** Dominating vector first; among concurrent versions the newer clock, then the larger site id; then site order. */
    static SiteVersion winner(List<SiteVersion> versions) {
        SiteVersion best = versions.get(0);
        for (SiteVersion v : versions.subList(1, versions.size())) {
            VersionVector.Ordering order = v.vv().compare(best.vv());
            if (order == VersionVector.Ordering.AFTER) {
                best = v;
            } else if (order == VersionVector.Ordering.CONCURRENT) {
                if (v.hlc() > best.hlc() || (v.hlc() == best.hlc() && v.origin().compareTo(best.origin()) > 0)) {
                    best = v;
                }
            }
        }
        return best;
    }

    static int apply(Map<String, Connection> sites, List<Action> actions) throws SQLException {
        int written = 0;
        for (Action action : actions) {
            for (String target : action.targets()) {
                Connection c = sites.get(target);
                TableShape shape = shape(c, action.table());
                boolean autoCommit = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    Dialect.postgres().markApplying(c);
                    if (action.delete()) {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + action.table().quoted() + " AS t "
                                + "WHERE " + RowImageSql.keyMatches(shape))) {
                            ps.setString(1, action.key());
                            ps.executeUpdate();
                        }
                    } else {
                        try (PreparedStatement ps = c.prepareStatement(RowImageSql.upsertFromJson(shape))) {
                            ps.setString(1, action.rowJson());
                            ps.executeUpdate();
                        }
                    }
                    writeMeta(c, action);
                    c.commit();
                    written++;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(autoCommit);
                }
            }
        }
        return written;
    }

    private static void writeMeta(Connection c, Action action) throws SQLException {
        SiteVersion w = action.winner();
        if (w.origin().isEmpty()) {
            return;
        }
        RowVersion repaired = new RowVersion(action.joined(), w.hlc(), SiteId.of(w.origin()), w.seq(), action.delete());
        RowMetaTable.writeKeepingColumnState(c, new MetaEntry(new RowId(action.table().toString(), action.key()),
                repaired));
    }

    private static SiteVersion read(Connection c, TableShape shape, String site, String key) throws SQLException {
        RowId id = new RowId(shape.table().toString(), key);
        MetaEntry meta = RowMetaTable.read(c, id).map(RowMetaTable.Stored::entry)
                .orElse(new MetaEntry(id, RowVersion.NONE));
        String row = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT row_to_json(t)::text FROM " + shape.table().quoted()
                + " AS t WHERE " + RowImageSql.keyMatches(shape))) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    row = rs.getString(1);
                }
            }
        }
        RowVersion version = meta.version();
        return new SiteVersion(site, version.vv(), version.hlc(), meta.originText(), version.sequence(), row);
    }

    private static TableShape shape(Connection c, TableRef table) throws SQLException {
        return PostgresCatalog.describe(c, table)
                .orElseThrow(() -> new SQLException("table " + table + " does not exist at a site"));
    }
}
