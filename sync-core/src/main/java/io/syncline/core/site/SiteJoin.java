package io.syncline.core.site;

import io.syncline.core.SiteId;
import io.syncline.core.apply.Dialect;
import io.syncline.core.apply.OffsetsTable;
import io.syncline.core.apply.RowMetaTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds a new site of a running mesh from an existing one (the donor) without stopping anything:
 * one consistent snapshot of the donor (its rows, their version vectors and tombstones, and the
 * offsets of the changes topic its sink had applied when the snapshot was taken), written at the new
 * site as a Syncline apply, with those offsets stored as the new site's sink position. The new site's
 * sink then catches up from there; whatever it meets again that the snapshot already holds is
 * dominated by the copied vectors and skipped, so nothing is lost and nothing applied twice.
 *
 * <p>The new site must have Syncline installed (its schema) and the synced tables empty; its source
 * and sink connectors are registered afterwards.
 *
 * <pre>{@code
 * SiteJoin.Result r = new SiteJoin(SiteId.of("c"), "orders.changes", "syncline-orders-c-sink")
 *     .copy(donorConnection, newSiteConnection, List.of(TableRef.parse("public.orders")));
 * }</pre>
 */
public final class SiteJoin {

    private static final Logger LOG = LoggerFactory.getLogger(SiteJoin.class);
    private static final int BATCH = 500;

    /**
     * What was copied.
     *
     * @param rows data rows copied, all tables
     * @param metaEntries meta entries copied, tombstones included
     * @param tombstones meta entries of deleted rows
     * @param startOffsets the next offset of every partition the new site's sink starts from (a
     *     partition missing here is read from its start)
     */
    public record Result(long rows, long metaEntries, long tombstones, Map<Integer, Long> startOffsets) {
        public Result {
            startOffsets = Map.copyOf(startOffsets);
        }
    }

    private final SiteId joining;
    private final String changesTopic;
    private final String sinkConsumer;

    /**
     * @param joining the new site's id (must appear in no version vector yet)
     * @param changesTopic the group's changes topic
     * @param sinkConsumer the name the new site's sink stores its offsets under (its connector name)
     */
    public SiteJoin(SiteId joining, String changesTopic, String sinkConsumer) {
        this.joining = Objects.requireNonNull(joining, "joining");
        this.changesTopic = Objects.requireNonNull(changesTopic, "changesTopic");
        this.sinkConsumer = Objects.requireNonNull(sinkConsumer, "sinkConsumer");
    }

    /**
     * Copies the donor's snapshot to the new site in one transaction at each.
     *
     * @throws SiteSetupException when a table is missing or not empty at the new site, or the new
     *     site's id already appears in the donor's vectors
     */
    public Result copy(Connection donor, Connection target, List<TableRef> tables) throws SQLException {
        boolean donorAutoCommit = donor.getAutoCommit();
        boolean targetAutoCommit = target.getAutoCommit();
        donor.setAutoCommit(false);
        target.setAutoCommit(false);
        try (Statement st = donor.createStatement()) {
            // One snapshot for rows, meta and offsets: the rows are exactly what the sink had applied
            // up to the stored offsets, plus the donor's own writes committed before the snapshot.
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            // Per partition, the lowest next offset any sink at the donor stored (replaying more is harmless).
            Map<Integer, Long> offsets = OffsetsTable.lowestStored(donor, changesTopic);
            Dialect.postgres().markApplying(target);
            long rows = 0;
            for (TableRef table : tables) {
                rows += copyRows(donor, target, table);
            }
            RowMetaTable.Copied meta = copyMeta(donor, target, tables);
            OffsetsTable.insertStart(target, sinkConsumer, changesTopic, offsets);
            target.commit();
            donor.commit();
            LOG.info("Site {} seeded: {} rows, {} meta entries ({} tombstones) of {} tables; its sink starts at {}",
                    joining, rows, meta.entries(), meta.tombstones(), tables.size(), offsets);
            return new Result(rows, meta.entries(), meta.tombstones(), offsets);
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            donor.rollback();
            throw e;
        } finally {
            donor.setAutoCommit(donorAutoCommit);
            target.setAutoCommit(targetAutoCommit);
        }
    }

    private long copyRows(Connection donor, Connection target, TableRef table) throws SQLException {
        TableShape shape = PostgresCatalog.describe(target, table).orElseThrow(() -> new SiteSetupException("table "
                + table + " does not exist at the new site " + joining + "; create it (the same schema as the others)"));
        TableShape donorShape = PostgresCatalog.describe(donor, table).orElseThrow(() -> new SiteSetupException(
                "table " + table + " does not exist at the donor site"));
        if (!donorShape.columns().keySet().equals(shape.columns().keySet())) {
            throw new SiteSetupException("table " + table + " has columns " + shape.columns().keySet() + " at the new site "
                    + joining + " but " + donorShape.columns().keySet() + " at the donor; make them the same first");
        }
        try (Statement st = target.createStatement();
                ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table.quoted() + ")")) {
            rs.next();
            if (rs.getBoolean(1)) {
                throw new SiteSetupException("table " + table + " already holds rows at the new site " + joining
                        + "; a joining site starts empty and gets its rows from the donor");
            }
        }
        long copied = 0;
        try (PreparedStatement read = donor.prepareStatement("SELECT row_to_json(t)::text FROM " + table.quoted()
                + " AS t");
                PreparedStatement write = target.prepareStatement(RowImageSql.upsertFromJson(shape))) {
            read.setFetchSize(BATCH);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    write.setString(1, rs.getString(1));
                    write.addBatch();
                    if (++copied % BATCH == 0) {
                        write.executeBatch();
                    }
                }
            }
            write.executeBatch();
        }
        return copied;
    }

    private RowMetaTable.Copied copyMeta(Connection donor, Connection target, List<TableRef> tables)
            throws SQLException {
        return RowMetaTable.copy(donor, target, tables, BATCH, entry -> {
            if (entry.version().vv().entries().containsKey(joining)) {
                throw new SiteSetupException("site id " + joining + " already appears in the version of "
                        + entry.id().table() + " key " + entry.id().key() + "; a joining site needs an id the "
                        + "mesh has never used");
            }
        });
    }
}
