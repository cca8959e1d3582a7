package io.syncline.core.site;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KeyInstaller} of PostgreSQL sites. It finds every sequence a synced table's column
 * owns ({@code serial} and {@code bigserial}: an automatic dependency, identity columns: an
 * internal one, both in {@code pg_depend}) and, for {@link KeyKind#INTERLEAVED}, makes it step by
 * the mesh's step from the first value of the site's slot above both the column's largest value
 * and every value the sequence handed out already:
 * {@code ALTER SEQUENCE s INCREMENT BY 16 RESTART WITH 1000003}. The application's INSERTs stay
 * as they are. A sequence that already steps by the step and whose next value is in the slot is
 * left alone, so a reinstallation never restarts it.
 *
 * <p>For {@link KeyKind#COORDINATOR_BLOCKS} it bounds each sequence to a block of values the
 * coordinator handed this site, above the column's largest value and every value handed out:
 * {@code ALTER SEQUENCE s MINVALUE 20001 MAXVALUE 30000 START WITH 20001 RESTART WITH 20001 INCREMENT BY 1
 * NO CYCLE}; {@link #topUp} moves it to the next block once fewer than the low-water mark are left
 * (extending {@code MAXVALUE} when the next block follows on, else restarting in it and skipping
 * the old block's tail). A spent block with no next one makes {@code nextval} fail with PostgreSQL's
 * own {@code reached maximum value of sequence} error.
 *
 * <pre>{@code
 * new PostgresKeyInstaller().install(connection, List.of(TableRef.parse("public.tickets")),
 *         KeyPlan.interleaved(16, 3));
 * }</pre>
 */
public final class PostgresKeyInstaller implements KeyInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresKeyInstaller.class);

    private static final String OWNED_SEQUENCES = """
            SELECT a.attname, sn.nspname, s.relname, ps.seqincrement, ps.seqmax, ps.seqmin,
                   CASE ps.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647
                        ELSE 9223372036854775807 END
              FROM pg_depend d
              JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
              JOIN pg_namespace sn ON sn.oid = s.relnamespace
              JOIN pg_sequence ps ON ps.seqrelid = s.oid
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.refobjid = ?::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
             ORDER BY a.attnum, s.relname""";

    /** A sequence owned by a column, as the catalog describes it. */
    private record Owned(TableRef table, String column, TableRef sequence, long increment, long max, long min,
            long typeMax) {
        /** The value space's name in the coordinator: the column, the same at every site. */
        String spaceName() {
            return table + "." + column;
        }

        /** Bounded to a block: steps by 1 and ends below its type's maximum. */
        boolean onBlock() {
            return increment == 1 && max < typeMax && min >= 1;
        }

        SequenceBlock block() {
            return new SequenceBlock(min, max);
        }
    }

    @Override
    public List<KeySequence> install(Connection connection, List<TableRef> tables, KeyPlan plan,
            KeyBlockSource blocks) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            lockKeys(connection);
            List<KeySequence> result = new ArrayList<>();
            for (Owned owned : owned(connection, tables)) {
                result.add(plan.kind() == KeyKind.COORDINATOR_BLOCKS ? installBlock(connection, owned, plan, blocks)
                        : install(connection, owned, plan));
            }
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public List<KeySequence> topUp(Connection connection, List<TableRef> tables, KeyPlan plan, KeyBlockSource blocks)
            throws SQLException {
        if (plan.kind() != KeyKind.COORDINATOR_BLOCKS) {
            return List.of();
        }
        List<KeySequence> moved = new ArrayList<>();
        for (Owned candidate : owned(connection, tables)) {
            if (!candidate.onBlock()
                    || candidate.block().remainingFrom(nextValue(connection, candidate)) >= plan.lowWater()) {
                continue;
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                lockKeys(connection);
                // Read again under the lock: an installation may have moved it meanwhile.
                Owned owned = owned(connection, List.of(candidate.table())).stream()
                        .filter(o -> o.column().equals(candidate.column())).findFirst().orElse(null);
                long next = owned == null ? 0 : nextValue(connection, owned);
                if (owned != null && owned.onBlock() && owned.block().remainingFrom(next) < plan.lowWater()) {
                    moved.add(topUp(connection, owned, next, plan, blocks));
                }
                connection.commit();
            } catch (KeyBlockUnavailableException e) {
                connection.rollback();
                long left = candidate.block().remainingFrom(nextValue(connection, candidate));
                LOG.warn("{}: sequence {} has {} values left in its block {} and the next block could not be "
                        + "allocated: {}; inserts fail with 'nextval: reached maximum value of sequence' once they are "
                        + "spent; the check retries", candidate.spaceName(), candidate.sequence(), left,
                        candidate.block(), e.getMessage());
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
        return moved;
    }

    private static void lockKeys(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(hashtext('syncline.keys'))");
        }
    }

    private static KeySequence installBlock(Connection connection, Owned owned, KeyPlan plan, KeyBlockSource blocks)
            throws SQLException {
        String name = owned.spaceName();
        long next = nextValue(connection, owned);
        if (owned.onBlock() && owned.block().remainingFrom(next) > 0) {
            LOG.info("{}: sequence {} already draws from block {} ({} values left); left as it is", name,
                    owned.sequence(), owned.block(), owned.block().remainingFrom(next));
            return blockSequence(owned, owned.block(), next, KeySequence.Action.UNCHANGED);
        }
        try (Statement st = connection.createStatement()) {
            // Takes the sequence's lock first, as for interleaved: no value handed out meanwhile escapes the floor.
            st.execute("ALTER SEQUENCE " + owned.sequence().quoted() + " INCREMENT BY 1");
        } catch (SQLException e) {
            throw notOwner(owned, e);
        }
        long floor = Math.max(0, Math.max(handedOut(connection, owned), largestValue(connection, owned)));
        // A new request id per installation: a crash before the commit wastes that block, never reuses it.
        SequenceBlock block = blocks.allocate(name, floor, plan.blockSize(), "install:" + floor + ":"
                + UUID.randomUUID());
        SequenceBlock bounded = bounded(owned, block, floor);
        restartIn(connection, owned, bounded);
        LOG.info("{}: sequence {} now draws from block {} allocated through the coordinator (above {})", name,
                owned.sequence(), bounded, floor);
        return blockSequence(owned, bounded, bounded.start(), KeySequence.Action.CONVERTED);
    }

    private static KeySequence topUp(Connection connection, Owned owned, long next, KeyPlan plan,
            KeyBlockSource blocks) throws SQLException {
        SequenceBlock old = owned.block();
        // Named after the block it follows: a retry, also after a restart, gets the same next block.
        SequenceBlock block = bounded(owned, blocks.allocate(owned.spaceName(), old.end(), plan.blockSize(),
                "after:" + old.end()), old.end());
        String sequence = owned.sequence().quoted();
        if (block.start() == old.end() + 1) {
            try (Statement st = connection.createStatement()) {
                st.execute("ALTER SEQUENCE " + sequence + " MAXVALUE " + block.end());
            } catch (SQLException e) {
                throw notOwner(owned, e);
            }
            SequenceBlock extended = new SequenceBlock(old.start(), block.end());
            LOG.info("{}: sequence {} extended by the next block to {} ({} values were left)", owned.spaceName(),
                    owned.sequence(), extended, old.remainingFrom(next));
            return blockSequence(owned, extended, next, KeySequence.Action.TOPPED_UP);
        }
        restartIn(connection, owned, block);
        LOG.info("{}: sequence {} moved from block {} to block {}; the {} values left in the old one are skipped",
                owned.spaceName(), owned.sequence(), old, block, old.remainingFrom(next));
        return blockSequence(owned, block, block.start(), KeySequence.Action.TOPPED_UP);
    }

    /** The block cut to what the sequence's type can hold; refused when none of it fits or it is not above the floor. */
    private static SequenceBlock bounded(Owned owned, SequenceBlock block, long floor) {
        if (block.start() <= floor) {
            throw new SiteSetupException("the coordinator handed block " + block + " for " + owned.spaceName()
                    + ", which is not above the values this site holds (" + floor + "); the sequence is left as it was");
        }
        if (block.start() > owned.typeMax()) {
            throw new SiteSetupException("column " + owned.spaceName() + " got block " + block + " from the "
                    + "coordinator, above the largest value of its sequence " + owned.sequence() + " ("
                    + owned.typeMax() + "); widen the column (bigint)");
        }
        return new SequenceBlock(block.start(), Math.min(block.end(), owned.typeMax()));
    }

    private static void restartIn(Connection connection, Owned owned, SequenceBlock block) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("ALTER SEQUENCE " + owned.sequence().quoted() + " INCREMENT BY 1 MINVALUE " + block.start()
                    + " MAXVALUE " + block.end() + " START WITH " + block.start() + " RESTART WITH " + block.start()
                    + " NO CYCLE");
        } catch (SQLException e) {
            throw notOwner(owned, e);
        }
    }

    private static SQLException notOwner(Owned owned, SQLException e) {
        if ("42501".equals(e.getSQLState())) {
            throw new SiteSetupException("sequence " + owned.sequence() + " of column " + owned.spaceName()
                    + " must be bounded to a block of values and the database user may not alter it; run the "
                    + "connector as the sequence's owner or give the user ownership of it", e);
        }
        return e;
    }

    private static KeySequence blockSequence(Owned owned, SequenceBlock block, long next, KeySequence.Action action) {
        return new KeySequence(owned.table(), owned.column(), owned.sequence().toString(),
                KeyKind.COORDINATOR_BLOCKS.configName(), 1, next, action, Optional.of(block));
    }

    @Override
    public List<KeySequence> describe(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException {
        List<KeySequence> result = new ArrayList<>();
        for (Owned owned : owned(connection, tables)) {
            long next = nextValue(connection, owned);
            if (owned.onBlock()) {
                result.add(blockSequence(owned, owned.block(), next, KeySequence.Action.UNCHANGED));
                continue;
            }
            boolean converted = isConverted(owned.increment(), next, plan);
            result.add(new KeySequence(owned.table(), owned.column(), owned.sequence().toString(),
                    converted ? KeyKind.INTERLEAVED.configName() : KeyKind.NONE.configName(), owned.increment(), next,
                    converted ? KeySequence.Action.UNCHANGED : KeySequence.Action.LEFT_ALONE));
        }
        return result;
    }

    private static KeySequence install(Connection connection, Owned owned, KeyPlan plan) throws SQLException {
        long next = nextValue(connection, owned);
        String name = owned.table() + "." + owned.column();
        if (plan.kind() == KeyKind.NONE) {
            LOG.info("{}: sequence {} left as it is (keys.kind=none): steps by {}, next {}", name, owned.sequence(),
                    owned.increment(), next);
            return keySequence(owned, KeyKind.NONE, owned.increment(), next, KeySequence.Action.LEFT_ALONE);
        }
        if (isConverted(owned.increment(), next, plan)) {
            LOG.info("{}: sequence {} already steps by {} in site slot {} (next {}); left as it is", name,
                    owned.sequence(), plan.step(), plan.offset(), next);
            return keySequence(owned, KeyKind.INTERLEAVED, owned.increment(), next, KeySequence.Action.UNCHANGED);
        }
        if (!plan.hasOffset()) {
            throw new SiteSetupException("column " + name + " takes its values from sequence " + owned.sequence()
                    + ", which every site would run through alike; set keys.site.offset to this site's slot (1 to "
                    + plan.step() + ", a different one at every site of the group), or keys.kind=none when the "
                    + "application makes its keys unique itself");
        }
        String sequence = owned.sequence().quoted();
        try (Statement st = connection.createStatement()) {
            // Takes the sequence's lock first: a concurrent nextval waits from here to the commit,
            // so no value handed out meanwhile escapes the floor read below.
            // NO MINVALUE/MAXVALUE: a sequence bounded to a coordinator block before is unbounded again.
            st.execute("ALTER SEQUENCE " + sequence + " INCREMENT BY " + plan.step() + " NO MINVALUE NO MAXVALUE");
            long floor = Math.max(handedOut(connection, owned), largestValue(connection, owned));
            long start = plan.firstAbove(floor);
            if (start > owned.typeMax()) {
                throw new SiteSetupException("sequence " + owned.sequence() + " of column " + name + " would have to "
                        + "start at " + start + ", above its maximum " + owned.typeMax() + "; widen the column (bigint) "
                        + "or raise the sequence's MAXVALUE");
            }
            st.execute("ALTER SEQUENCE " + sequence + " RESTART WITH " + start);
            LOG.info("{}: sequence {} now steps by {} from {} (site slot {})", name, owned.sequence(), plan.step(),
                    start, plan.offset());
            return keySequence(owned, KeyKind.INTERLEAVED, plan.step(), start, KeySequence.Action.CONVERTED);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new SiteSetupException("sequence " + owned.sequence() + " of column " + name + " must step by "
                        + plan.step() + " in site slot " + plan.offset() + " and the database user may not alter it; "
                        + "run the connector as the sequence's owner or give the user ownership of it", e);
            }
            throw e;
        }
    }

    private static KeySequence keySequence(Owned owned, KeyKind kind, long increment, long next,
            KeySequence.Action action) {
        return new KeySequence(owned.table(), owned.column(), owned.sequence().toString(), kind.configName(),
                increment, next, action);
    }

    /** Converted by an earlier run: steps by the step, and its next value is in the slot. */
    static boolean isConverted(long increment, long next, KeyPlan plan) {
        return plan.kind() == KeyKind.INTERLEAVED && increment == plan.step() && (!plan.hasOffset() || plan.owns(next));
    }

    private static List<Owned> owned(Connection connection, List<TableRef> tables) throws SQLException {
        List<Owned> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(OWNED_SEQUENCES)) {
            for (TableRef table : tables) {
                ps.setString(1, table.quoted());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Owned(table, rs.getString(1), new TableRef(rs.getString(2), rs.getString(3)),
                                rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)));
                    }
                }
            }
        }
        return result;
    }

    /** The value the sequence's next {@code nextval} returns. */
    private static long nextValue(Connection connection, Owned owned) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + owned.sequence().quoted())) {
            rs.next();
            return rs.getBoolean(2) ? rs.getLong(1) + owned.increment() : rs.getLong(1);
        }
    }

    /** The largest value the sequence handed out, or one below its start when it handed out none. */
    private static long handedOut(Connection connection, Owned owned) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + owned.sequence().quoted())) {
            rs.next();
            return rs.getBoolean(2) ? rs.getLong(1) : rs.getLong(1) - 1;
        }
    }

    private static long largestValue(Connection connection, Owned owned) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT max(" + SqlIdentifiers.quote(owned.column()) + ") FROM "
                        + owned.table().quoted())) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? Long.MIN_VALUE : max;
        }
    }
}
