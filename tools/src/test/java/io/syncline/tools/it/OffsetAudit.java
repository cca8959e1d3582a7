package io.syncline.tools.it;

import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records every change of every site's stored sink offsets ({@code syncline.offsets}) with a trigger,
 * so a test can check afterwards that no stored offset and no stored epoch ever went back, whoever
 * wrote them (a zombie task included).
 */
final class OffsetAudit {

    private static final String INSTALL = """
            CREATE TABLE IF NOT EXISTS public.offset_audit (
                n bigserial PRIMARY KEY, consumer text, kafka_partition int,
                old_next bigint, new_next bigint, old_epoch bigint, new_epoch bigint,
                at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE OR REPLACE FUNCTION public.offset_audit_record() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                INSERT INTO public.offset_audit (consumer, kafka_partition, old_next, new_next, old_epoch, new_epoch)
                VALUES (NEW.consumer, NEW.kafka_partition, OLD.next_offset, NEW.next_offset, OLD.epoch, NEW.epoch);
                RETURN NEW;
            END $f$;
            DROP TRIGGER IF EXISTS offset_audit ON syncline.offsets;
            CREATE TRIGGER offset_audit AFTER UPDATE ON syncline.offsets
                FOR EACH ROW EXECUTE FUNCTION public.offset_audit_record();
            """;

    private OffsetAudit() {
    }

    /** Installs the trigger at every site (after the sinks installed Syncline's schema). */
    static void install(EmbeddedStack stack) throws SQLException {
        Map<String, Connection> c = MeshAudit.connections(stack);
        try {
            for (Connection site : c.values()) {
                try (Statement st = site.createStatement()) {
                    st.execute(INSTALL);
                }
            }
        } finally {
            MeshAudit.close(c);
        }
    }

    /** Every recorded update that moved a stored offset or epoch back, at any site; empty when none did. */
    static List<String> wentBack(EmbeddedStack stack) throws SQLException {
        List<String> back = new ArrayList<>();
        Map<String, Connection> c = MeshAudit.connections(stack);
        try {
            for (Map.Entry<String, Connection> site : c.entrySet()) {
                try (Statement st = site.getValue().createStatement();
                        ResultSet rs = st.executeQuery("SELECT n, consumer, kafka_partition, old_next, new_next, "
                                + "old_epoch, new_epoch, at FROM public.offset_audit "
                                + "WHERE new_next < old_next OR new_epoch < old_epoch ORDER BY n")) {
                    while (rs.next()) {
                        back.add(site.getKey() + ": " + rs.getString(2) + " partition " + rs.getInt(3) + " offset "
                                + rs.getLong(4) + " -> " + rs.getLong(5) + ", epoch " + rs.getLong(6) + " -> "
                                + rs.getLong(7) + " at " + rs.getString(8));
                    }
                }
            }
        } finally {
            MeshAudit.close(c);
        }
        return back;
    }

    /** How many epoch changes (new lease holders claiming a partition) were recorded, all sites. */
    static long epochChanges(EmbeddedStack stack) throws SQLException {
        long n = 0;
        Map<String, Connection> c = MeshAudit.connections(stack);
        try {
            for (Connection site : c.values()) {
                n += MeshAudit.queryLong(site, "SELECT count(*) FROM public.offset_audit WHERE new_epoch > old_epoch");
            }
        } finally {
            MeshAudit.close(c);
        }
        return n;
    }
}
