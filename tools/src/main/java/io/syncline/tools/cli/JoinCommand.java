package io.syncline.tools.cli;

import io.syncline.core.SiteId;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.site.PostgresSiteInstaller;
import io.syncline.core.site.SiteJoin;
import io.syncline.core.site.TableRef;
import java.io.InputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code syncline join}: seeds a new, empty site of a running mesh from one consistent snapshot of an
 * existing site ({@link SiteJoin}), so that its connectors can then be registered and catch up.
 */
final class JoinCommand {

    static final String HELP = """
            Usage: syncline join --mesh FILE|- --from SITE --site ID --group NAME --jdbc-url URL --user USER
                                 [--tables schema.t1,schema.t2] [--sink-name NAME]

            Adds a site to a running mesh without stopping the others. The new site's database must hold the
            synced tables, empty, with the same columns. join installs Syncline there and copies one consistent
            snapshot of the donor site --from: every row, every row's version vector and tombstone, and the
            offsets of <group>.changes the donor had applied, stored as the new site's sink position. Then
            register the new site's source and sink connectors (config-samples/postgres-source.json and
            postgres-sink.json with site.id ID); the sink catches up from the donor's offsets, and the other
            sites pick up the new site's changes by themselves.

              --mesh FILE|-    the mesh JSON (as 'syncline up' prints it) naming the donor site
              --from SITE      the donor site, one of the mesh's sites
              --site ID        the new site's id; the mesh must never have used it
              --group NAME     the sync group (sync.group of the connectors)
              --jdbc-url URL   the new site's database, jdbc:postgresql://host:port/db
              --user USER      its user; the password is read from the environment variable SYNCLINE_PASSWORD
              --tables LIST    the synced tables (default: the mesh's tables)
              --sink-name NAME the name the new site's sink connector will have (default
                               syncline-<group>-<site>-sink, as in the samples)

            Exit codes: 0 seeded, 2 wrong command line, 3 failed (nothing is written at the new site then)
            """;

    private final PrintStream out;
    private final InputStream in;

    JoinCommand(PrintStream out, InputStream in) {
        this.out = out;
        this.in = in;
    }

    ExitCode run(List<String> args) {
        CommandLine line = new CommandLine(args,
                Set.of("mesh", "from", "site", "group", "jdbc-url", "user", "tables", "sink-name"), Set.of());
        if (line.help()) {
            out.print(HELP);
            return ExitCode.OK;
        }
        for (String required : List.of("from", "site", "group", "jdbc-url", "user")) {
            if (!line.has(required)) {
                throw new CommandLine.UsageException("--" + required + " is required");
            }
        }
        SiteId site;
        try {
            site = SiteId.of(line.get("site", ""));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--site: " + e.getMessage());
        }
        MeshDescription mesh = VerifyCommand.readMesh(line.get("mesh", "-"), in);
        MeshDescription.SiteAddress donor = mesh.sites().get(line.get("from", ""));
        if (donor == null) {
            throw new CommandLine.UsageException("--from " + line.get("from", "") + " is not a site of the mesh "
                    + mesh.sites().keySet());
        }
        if (mesh.sites().containsKey(site.value())) {
            throw new CommandLine.UsageException("--site " + site + " is already a site of the mesh");
        }
        List<TableRef> tables = new ArrayList<>(mesh.tables());
        if (line.has("tables")) {
            tables.clear();
            for (String t : line.get("tables", "").split(",")) {
                if (!t.isBlank()) {
                    tables.add(TableRef.parse(t));
                }
            }
        }
        if (tables.isEmpty()) {
            throw new CommandLine.UsageException("no table to copy: the mesh lists none and --tables is not given");
        }
        String group = line.get("group", "");
        SyncGroupNames names = SyncGroupNames.of(group);
        String sinkName = line.get("sink-name", names.sinkConnector(site.value()));
        String password = System.getenv().getOrDefault("SYNCLINE_PASSWORD", "");
        try (Connection from = DriverManager.getConnection(donor.jdbcUrl(), donor.user(), donor.password());
                Connection target = DriverManager.getConnection(line.get("jdbc-url", ""), line.get("user", ""),
                        password)) {
            new PostgresSiteInstaller(site, group).install(target, tables);
            SiteJoin.Result result = new SiteJoin(site, names.changesTopic(), sinkName).copy(from, target, tables);
            out.println("seeded site " + site + " from " + donor.id() + ": " + result.rows() + " rows, "
                    + result.metaEntries() + " versions (" + result.tombstones() + " tombstones); register its source "
                    + "and sink connectors now (the sink named " + sinkName + " starts at " + result.startOffsets() + ")");
            return ExitCode.OK;
        } catch (SQLException e) {
            throw new IllegalStateException("site " + site + " could not be seeded from " + donor.id() + ": "
                    + e.getMessage(), e);
        }
    }
}
