package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A conflict parked for a person (resolver {@code manual}): the sites converge on the last writer
 * meanwhile, the conflict is listed as parked, and {@code POST /syncline/conflicts/{id}/resolve}
 * brings every site to the version the person kept.
 */
class ManualResolutionIT {

    private static final String TABLE = "public.reviewed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "man" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        stack.applySql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, v text)");
        stack.startSync(List.of(TABLE), Map.of("conflict.resolver." + TABLE, "manual"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aParkedConflictIsSettledEverywhereWithTheVersionAPersonKept() throws Exception {
        StackSql.execute(stack, "a", "INSERT INTO " + TABLE + " VALUES (1, 'start')");
        awaitValue("start");
        List<String> sinks = List.of(sink("a"), sink("b"));
        StackConnectors.pauseAndAwait(stack, sinks);
        StackSql.execute(stack, "a", "UPDATE " + TABLE + " SET v = 'from a' WHERE id = 1");
        StackSql.execute(stack, "b", "UPDATE " + TABLE + " SET v = 'from b' WHERE id = 1");
        for (String sink : sinks) {
            stack.rest().resumeConnector(sink);
        }
        awaitValue("from b");

        JsonNode parked = awaitParkedAtA();
        // Settle once every site has met the conflict (b logs it when a's version reaches it).
        Deadlines.await("site b logged the conflict too", Duration.ofSeconds(60),
                () -> !StackSql.query(stack, "b", "SELECT count(*) FROM syncline.conflicts WHERE status = 'parked'").equals("0"),
                () -> "not yet");
        long id = parked.path("id").asLong();
        HttpResponse<String> settled = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                stack.connect().restUrl() + "/syncline/conflicts/" + id + "/resolve?site=a&keep=local"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
        assertThat(JSON.readTree(settled.body()).path("kept").asText()).isEqualTo("local");

        awaitValue("from a");
        for (String site : List.of("a", "b")) {
            assertThat(StackSql.query(stack, site, "SELECT count(*) FROM syncline.conflicts WHERE table_name = '" + TABLE
                    + "' AND status = 'parked'")).as("parked conflicts left at %s", site).isEqualTo("0");
        }
        HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                stack.connect().restUrl() + "/syncline/conflicts/" + id + "/resolve?site=a&keep=incoming"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).as("settling twice").isEqualTo(409);
    }

    private static JsonNode awaitParkedAtA() {
        JsonNode[] found = new JsonNode[1];
        Deadlines.await("site a lists the conflict as parked", Duration.ofSeconds(60), () -> {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    stack.connect().restUrl() + "/syncline/conflicts?table=" + TABLE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode c : JSON.readTree(r.body()).path("conflicts")) {
                if (c.path("site").asText().equals("a") && c.path("status").asText().equals("parked")) {
                    found[0] = c;
                    return true;
                }
            }
            return false;
        }, () -> "not listed");
        return found[0];
    }

    private static String sink(String site) {
        return stack.sinkConnector(site, List.of(TABLE)).name();
    }

    private static void awaitValue(String value) {
        String sql = "SELECT v FROM " + TABLE + " WHERE id = 1";
        Deadlines.await("both sites hold " + value, Duration.ofSeconds(60),
                () -> value.equals(StackSql.query(stack, "a", sql)) && value.equals(StackSql.query(stack, "b", sql)),
                () -> "failures " + stack.failures());
    }

}
