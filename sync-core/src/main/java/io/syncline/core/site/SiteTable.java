package io.syncline.core.site;

import io.syncline.core.SiteId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Every statement on {@code syncline.site}, the one row that says which site of which group a
 * database is and which schema version its installer left. Only the installers use it.
 */
final class SiteTable {

    /** The site row. */
    record Row(String siteId, String group, int schemaVersion) {
    }

    private static final String POSTGRES_WRITE = """
            INSERT INTO syncline.site (site_id, sync_group, schema_version) VALUES (?, ?, ?)
            ON CONFLICT (singleton) DO UPDATE SET schema_version = EXCLUDED.schema_version""";

    private static final String MARIADB_WRITE = """
            INSERT INTO syncline.site (singleton, site_id, sync_group, schema_version) VALUES (1, ?, ?, ?)
            ON DUPLICATE KEY UPDATE schema_version = VALUES(schema_version)""";

    private static final String READ = "SELECT site_id, sync_group, schema_version FROM syncline.site";

    private SiteTable() {
    }

    /** The site row of a database whose {@code syncline.site} exists; empty when it holds none. */
    static Optional<Row> read(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(READ)) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Row(rs.getString(1), rs.getString(2), Integer.parseInt(rs.getString(3))));
        }
    }

    /** PostgreSQL: writes the site row, or only the schema version when the row exists. */
    static void writePostgres(Connection connection, SiteId site, String group, int schemaVersion)
            throws SQLException {
        write(connection, POSTGRES_WRITE, site, group, schemaVersion);
    }

    /** MariaDB: writes the site row, or only the schema version when the row exists. */
    static void writeMariaDb(Connection connection, SiteId site, String group, int schemaVersion)
            throws SQLException {
        write(connection, MARIADB_WRITE, site, group, schemaVersion);
    }

    private static void write(Connection connection, String sql, SiteId site, String group, int schemaVersion)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, site.value());
            ps.setString(2, group);
            ps.setInt(3, schemaVersion);
            ps.executeUpdate();
        }
    }
}
