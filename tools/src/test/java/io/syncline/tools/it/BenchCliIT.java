package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/syncline bench --quick} with tiny numbers, as a user runs it: it measures all three
 * pipelines and both lag rates and ends with its JSON line. Only the shape is checked, never a speed.
 */
class BenchCliIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quickBenchEndsWithItsJsonLine() throws Exception {
        List<String> command = List.of(ROOT.resolve("bin/syncline").toString(), "bench", "--quick", "--rows", "500",
                "--lag-seconds", "1");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().put("SYNCLINE_NO_BUILD", "1");
        pb.environment().put("SYNCLINE_LOG_DIR", ROOT.resolve("connector/target/cli-logs").toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process bench = pb.start();
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
            List<String> read = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(bench.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    read.add(line);
                }
            } catch (IOException e) {
                read.add("<output unreadable: " + e + ">");
            }
            return read;
        });
        try {
            assertThat(bench.waitFor(10, TimeUnit.MINUTES)).as("bench finished within 10 minutes").isTrue();
            List<String> output = lines.get(10, TimeUnit.SECONDS);
            assertThat(bench.exitValue()).as("exit code; output:%n%s", String.join("\n", output)).isZero();
            JsonNode result = JSON.readTree(output.get(output.size() - 1));
            for (String field : List.of("syncline_rows_per_s", "peer_rows_per_s", "ratio_vs_peer", "ceiling_rows_per_s",
                    "ratio_vs_ceiling", "p50_lag_ms_1k", "p99_lag_ms_1k", "p50_lag_ms_10k", "p99_lag_ms_10k",
                    "heap_peak_mb")) {
                assertThat(result.path(field).isNumber()).as("%s in %s", field, result).isTrue();
                assertThat(result.path(field).asDouble()).as(field).isGreaterThanOrEqualTo(0);
            }
            assertThat(result.path("rows").asLong()).isEqualTo(500);
            assertThat(result.path("equal").asBoolean()).as("every phase's rows equal at a and b").isTrue();
            assertThat(String.join("\n", output)).contains("peer: Debezium PostgreSQL + JDBC sink");
        } finally {
            bench.destroyForcibly();
        }
    }
}
