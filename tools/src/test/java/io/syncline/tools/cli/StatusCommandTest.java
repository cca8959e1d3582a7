package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String RUNNING = """
            {"time":"2025-03-01T12:00:00Z","running":true,"sites":[
             {"group":"orders","site":"a","running":true,
              "connectors":[
               {"name":"syncline-orders-a-source","type":"source","state":"RUNNING","workerId":"w:8083",
                "tasks":[{"id":0,"state":"RUNNING","workerId":"w:8083"}]},
               {"name":"syncline-orders-a-sink","type":"sink","state":"RUNNING","workerId":"w:8083",
                "tasks":[{"id":0,"state":"RUNNING","workerId":"w:8083"}]}],
              "database":{"address":"db-a:5432/site_a","reachable":true},
              "applied":1234,"appliedFrom":"ledger","conflicts":3,"conflictsByType":{"update/update":3},
              "conflictsByRule":{"last-writer-wins":3},"lagMillis":85,"lastAppliedAgeMillis":1500,
              "eventsPerSecond":12.5,"offsets":[],
              "capture":{"slot":"syncline_orders_a","exists":true,"active":true,"confirmedFlushLsn":"0/1A","behindBytes":0},
              "metrics":{"source":{"lagMillis":12,"eventsPerSecond":4.0}}}]}
            """;

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static String render(JsonNode status) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatusCommand.render(status, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsATablePerSiteAndExitsZeroWhenEverythingRuns() throws Exception {
        JsonNode status = json(RUNNING);
        String text = render(status);
        assertThat(text).contains("site a  group orders  database db-a:5432/site_a  reachable")
                .contains("syncline-orders-a-sink    sink    RUNNING  0:RUNNING     1234          3      85      12.5")
                .contains("syncline-orders-a-source  source  RUNNING  0:RUNNING        -          -      12       4.0")
                .contains("slot syncline_orders_a active, 0 bytes of WAL not yet confirmed; last batch applied 1.5 s ago")
                .endsWith("running: 2 connectors at 1 site, every task RUNNING\n");
        assertThat(StatusCommand.verdict(status)).isEqualTo(ExitCode.OK);
    }

    @Test
    void showsEachGeneratedKeysKindSlotAndNextValue() throws Exception {
        JsonNode status = json(RUNNING.replace("\"offsets\":[],", "\"offsets\":[],\"keys\":["
                + "{\"table\":\"public.tickets\",\"column\":\"id\",\"sequence\":\"public.tickets_id_seq\","
                + "\"kind\":\"interleaved\",\"increment\":16,\"next\":1000019,\"slot\":3},"
                + "{\"table\":\"public.logs\",\"column\":\"id\",\"sequence\":\"public.logs_id_seq\","
                + "\"kind\":\"none\",\"increment\":1,\"next\":8,\"slot\":null}],"));
        assertThat(render(status)).contains("key public.tickets.id interleaved slot 3 of 16, next 1000019; "
                + "key public.logs.id none step 1, next 8; last batch applied");
    }

    @Test
    void showsTheValuesLeftInABlocksSequence() throws Exception {
        JsonNode status = json(RUNNING.replace("\"offsets\":[],", "\"offsets\":[],\"keys\":["
                + "{\"table\":\"public.tickets\",\"column\":\"id\",\"sequence\":\"public.tickets_id_seq\","
                + "\"kind\":\"coordinator-blocks\",\"increment\":1,\"next\":20042,\"slot\":null,"
                + "\"block\":{\"start\":20001,\"end\":30000},\"remaining\":9959}],"));
        assertThat(render(status)).contains("key public.tickets.id coordinator-blocks step 1, next 20042, 9959 left "
                + "in block 20001..30000; last batch applied");
    }

    @Test
    void showsPerOriginTransactionsAndWhatWaitsForADependency() throws Exception {
        JsonNode status = json(RUNNING.replace("\"metrics\":{\"source\":{\"lagMillis\":12,\"eventsPerSecond\":4.0}}",
                "\"metrics\":{\"source\":{\"lagMillis\":12,\"eventsPerSecond\":4.0},\"sink\":{"
                        + "\"partitionsWaitingForDependencies\":1,\"recordsHeld\":7,\"origins\":{"
                        + "\"b\":{\"transactionsApplied\":40,\"dependencyWaits\":2,\"dependencyWaitMaxMillis\":35},"
                        + "\"c\":{\"transactionsApplied\":9,\"dependencyWaits\":0}}}}"));
        assertThat(render(status)).contains("1 partition(s) waiting for a dependency (7 records held); "
                + "from b: 40 transactions, 2 waited for a dependency (longest 35 ms); from c: 9 transactions; "
                + "last batch applied 1.5 s ago");
    }

    @Test
    void warnsWhenTheSlotRetainsTooMuchWalOrItsWalIsNoLongerReserved() throws Exception {
        JsonNode status = json(RUNNING.replace("\"behindBytes\":0}",
                "\"behindBytes\":0,\"retainedBytes\":3221225472,\"walStatus\":\"unreserved\"}"));
        String text = render(status);
        assertThat(text).contains("WARNING: the slot retains 3072 MiB of WAL (over 1024 MiB); start the site's capture")
                .contains("WARNING: the slot's WAL is unreserved (max_slot_wal_keep_size): it is about to be removed");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatusCommand.render(status, new PrintStream(bytes, true, StandardCharsets.UTF_8), 4096L << 20);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("MiB of WAL");
    }

    @Test
    void aFailedTaskOrAnUnreachableDatabaseIsExitOneWithTheReason() throws Exception {
        JsonNode status = json(RUNNING.replace("\"tasks\":[{\"id\":0,\"state\":\"RUNNING\",\"workerId\":\"w:8083\"}]}]",
                "\"tasks\":[{\"id\":0,\"state\":\"FAILED\",\"workerId\":\"w:8083\",\"trace\":\"ConnectException: boom\"}]}]")
                .replace("\"reachable\":true}", "\"reachable\":false,\"error\":\"Connection refused\"}"));
        assertThat(StatusCommand.problems(status)).containsExactly(
                "syncline-orders-a-sink task 0 is FAILED: ConnectException: boom",
                "site a database db-a:5432/site_a is unreachable: Connection refused");
        assertThat(StatusCommand.verdict(status)).isEqualTo(ExitCode.DIVERGED);
        assertThat(ExitCode.DIVERGED.code()).isEqualTo(1);
        assertThat(render(status)).contains("UNREACHABLE: Connection refused").contains("NOT RUNNING: 2 problems");
    }

    @Test
    void aPausedConnectorOrNoConnectorAtAllIsNotRunning() throws Exception {
        JsonNode paused = json(RUNNING.replace("\"type\":\"sink\",\"state\":\"RUNNING\"", "\"type\":\"sink\",\"state\":\"PAUSED\""));
        assertThat(StatusCommand.problems(paused)).containsExactly("syncline-orders-a-sink is PAUSED");
        assertThat(StatusCommand.problems(json("{\"sites\":[]}"))).containsExactly("the worker knows no Syncline connector");
    }

    @Test
    void anUnreachableWorkerIsExitThree() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = new StatusCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
                StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]))
                .run(List.of("--connect", "http://127.0.0.1:" + port));
        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the worker at http://127.0.0.1:" + port + " is unreachable");
    }

    @Test
    void theWorkerComesFromTheMeshJsonOnStdin() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StatusCommand command = new StatusCommand(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream("{\"connect\":\"http://127.0.0.1:1\",\"sites\":{}}\n{\"more\":1}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(command.run(List.of("--mesh", "-"))).isEqualTo(ExitCode.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the worker at http://127.0.0.1:1 is unreachable");
    }

    @Test
    void wrongCommandLinesAreUsageErrors() {
        StatusCommand command = new StatusCommand(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()),
                new ByteArrayInputStream("{\"sites\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> command.run(List.of("--connect", "x", "--mesh", "-")))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("either --connect or --mesh");
        assertThatThrownBy(() -> command.run(List.of("--mesh", "-")))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("no \"connect\" field");
        assertThatThrownBy(() -> command.run(List.of("--connect", "ftp://host:1")))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("not an http(s) URL");
        assertThat(StatusCommand.statusUri("http://h:8083/").toString()).isEqualTo("http://h:8083/syncline/status");
    }

    @Test
    void helpIsExitZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitCode code = new StatusCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), new ByteArrayInputStream(new byte[0]))
                .run(List.of("--help"));
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: syncline status");
    }
}
