package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The opt-in WAL hard limit ({@code wal.max.retained.mb}) on the real stack, two PostgreSQL sites
 * ({@code syncline repair} works on PostgreSQL meshes): a stopped capture's slot passes the limit,
 * the server gives it up, status and metrics say so, the capture refuses to resume with a gap and
 * says how to rejoin, and the rejoin the README gives loses no row.
 */
class WalHardLimitIT {

    private static final String TABLE = "public.guard_items";
    private static final String SCHEMA = "CREATE TABLE public.guard_items (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL);\nCREATE TABLE public.guard_filler (id bigserial PRIMARY KEY, pad text)";

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "wal" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        stack.applySql(SCHEMA);
        stack.startSync(List.of(TABLE), Map.of());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theWalHardLimitLosesTheSlotLoudlyAndTheDocumentedRejoinLosesNoRow() throws Exception {
        String sourceA = stack.sourceConnector("a", List.of(TABLE)).name();
        Map<String, String> limited = new HashMap<>(stack.sourceConnector("a", List.of(TABLE)).config());
        limited.put("wal.max.retained.mb", "1");
        stack.rest().putConnectorConfig(sourceA, limited);
        Deadlines.await("a's server limits the WAL a slot keeps to 1 MB", Duration.ofSeconds(60),
                () -> "1MB".equals(StackSql.query(stack, "a", "SHOW max_slot_wal_keep_size")),
                () -> StackSql.quietly(stack, "a", "SHOW max_slot_wal_keep_size"));
        stack.rest().awaitRunning(sourceA, Duration.ofSeconds(60));
        String slot = MeshProbe.site(MeshProbe.status(stack), "a").path("capture").path("slot").asText();

        stack.rest().stopConnector(sourceA);
        MeshProbe.awaitStopped(stack, sourceA);
        MeshProbe.execute(stack, "a", "INSERT INTO public.guard_items SELECT g, 'written while stopped' FROM generate_series(1000, 1009) g");
        Deadlines.await("the server gave up a's slot", Duration.ofSeconds(120), () -> {
            MeshProbe.execute(stack, "a", "INSERT INTO public.guard_filler (pad) SELECT repeat(md5(g::text), 32) "
                    + "FROM generate_series(1, 20000) g");
            MeshProbe.execute(stack, "a", "CHECKPOINT");
            return "lost".equals(MeshProbe.site(MeshProbe.status(stack), "a").path("capture").path("walStatus").asText());
        }, () -> MeshProbe.status(stack).toString());
        JsonNode metrics = MeshProbe.parseMetrics(MeshProbe.get(stack, "/syncline/metrics"));
        assertThat(MeshProbe.value(metrics, "syncline_site_slot_lost", "site", "a")).isEqualTo(1);
        assertThat(MeshProbe.value(metrics, "syncline_site_slot_retained_warning", "site", "a")).isEqualTo(1);

        stack.rest().resumeConnector(sourceA);
        Deadlines.await("a's source task fails and says the slot is lost", Duration.ofSeconds(90), () -> {
            JsonNode task = MeshProbe.site(MeshProbe.status(stack), "a").path("connectors").get(0).path("tasks").path(0);
            return "FAILED".equals(task.path("state").asText())
                    && task.path("trace").asText().contains("replication slot " + slot + " is lost");
        }, () -> MeshProbe.status(stack).toString());

        // The rejoin the message and the README give: stop, drop the slot, delete the offsets, resume, repair.
        stack.rest().stopConnector(sourceA);
        MeshProbe.awaitStopped(stack, sourceA);
        MeshProbe.execute(stack, "a", "SELECT pg_drop_replication_slot('" + slot + "')");
        stack.rest().resetOffsets(sourceA);
        stack.rest().resumeConnector(sourceA);
        stack.rest().awaitRunning(sourceA, Duration.ofSeconds(90));
        stack.awaitCaptureStreaming("a", List.of(TABLE));
        Path mesh = Files.createTempFile("guard-mesh", ".json");
        try {
            Files.writeString(mesh, stack.describeJson());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = MeshProbe.cli(out, "repair", "--mesh", mesh.toString(), "--tables", TABLE, "--apply");
            assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            Files.deleteIfExists(mesh);
        }
        assertThat(StackSql.query(stack, "b", "SELECT count(*) FROM public.guard_items WHERE id BETWEEN 1000 AND 1009"))
                .as("the rows written at a while its slot was lost reached b").isEqualTo("10");
        MeshProbe.execute(stack, "a", "INSERT INTO public.guard_items VALUES (2000, 'after the rejoin')");
        StackSql.awaitRow(stack, "b", "SELECT name FROM public.guard_items WHERE id = 2000", "after the rejoin");
        assertThat(stack.failures()).isEmpty();
    }

}
