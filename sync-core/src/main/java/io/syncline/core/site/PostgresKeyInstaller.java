package io.syncline.core.site;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
 * <pre>{@code
 * new PostgresKeyInstaller().install(connection, List.of(TableRef.parse("public.tickets")),
 *         KeyPlan.interleaved(16, 3));
 * }</pre>
 */
public final class PostgresKeyInstaller implements KeyInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresKeyInstaller.class);

    private static final String OWNED_SEQUENCES = """
            SELECT a.attname, sn.nspname, s.relname, ps.seqincrement, ps.seqmax
              FROM pg_depend d
              JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
              JOIN pg_namespace sn ON sn.oid = s.relnamespace
              JOIN pg_sequence ps ON ps.seqrelid = s.oid
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.refobjid = ?::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
             ORDER BY a.attnum, s.relname""";

    /** A sequence owned by a column, as the catalog describes it. */
    private record Owned(TableRef table, String column, TableRef sequence, long increment, long max) {
    }

    @Override
    public List<KeySequence> install(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(hashtext('syncline.keys'))");
            }
            List<KeySequence> result = new ArrayList<>();
            for (Owned owned : owned(connection, tables)) {
                result.add(install(connection, owned, plan));
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
    public List<KeySequence> describe(Connection connection, List<TableRef> tables, KeyPlan plan) throws SQLException {
        List<KeySequence> result = new ArrayList<>();
        for (Owned owned : owned(connection, tables)) {
            long next = nextValue(connection, owned);
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
            st.execute("ALTER SEQUENCE " + sequence + " INCREMENT BY " + plan.step());
            long floor = Math.max(handedOut(connection, owned), largestValue(connection, owned));
            long start = plan.firstAbove(floor);
            if (start > owned.max()) {
                throw new SiteSetupException("sequence " + owned.sequence() + " of column " + name + " would have to "
                        + "start at " + start + ", above its maximum " + owned.max() + "; widen the column (bigint) "
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
                                rs.getLong(4), rs.getLong(5)));
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
