package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.ConnectRestClient;
import io.syncline.tools.embedded.ConnectorTemplate;
import io.syncline.tools.embedded.EmbeddedStack;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed connector configurations, each sent to a real worker's validate endpoint (with the live
 * checks against a real PostgreSQL site): every one is rejected, and the message names the field
 * that is wrong.
 */
class MalformedConfigIT {

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("m:postgres").withGroup("malformed"));
        stack.applySql("""
                CREATE TABLE public.good (id bigint PRIMARY KEY, name text, qty bigint);
                CREATE TABLE public.keyless (id bigint, name text);
                """);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                bad("sink", "sync.group", null, "sync.group"),
                bad("sink", "sync.group", "shop orders", "sync.group"),
                bad("source", "site.id", null, "site.id"),
                bad("source", "site.id", "East", "site.id"),
                bad("sink", "site.id", "a-site-id-that-is-much-longer-than-32", "site.id"),
                bad("sink", "site.id", "we st", "site.id"),
                bad("source", "table.include.list", "", "table.include.list"),
                bad("sink", "table.include.list", "public.nowhere", "table.include.list"),
                bad("source", "table.include.list", "public.keyless", "table.include.list"),
                bad("sink", "table.include.list", "public.good,public.good.extra", "table.include.list"),
                bad("source", "database.port", "0", "database.port"),
                bad("sink", "database.port", "70000", "database.port"),
                bad("source", "database.port", "five", "database.port"),
                bad("sink", "database.hostname", null, "database.hostname"),
                bad("source", "database.dbname", "no_such_db", "database.dbname"),
                bad("sink", "database.password", "wrong", "database.password"),
                bad("source", "database.connect.timeout.ms", "5", "database.connect.timeout.ms"),
                bad("source", "poll.interval.ms", "0", "poll.interval.ms"),
                bad("sink", "conflict.resolver", "newest-wins", "conflict.resolver"),
                bad("sink", "conflict.resolver", "site-priority", "conflict.resolver"),
                bad("sink", "conflict.resolver", "com.example.NoSuchResolver", "conflict.resolver"),
                badWith("sink", Map.of("conflict.resolver.public.good", "max"), "conflict.resolver"),
                badWith("sink", Map.of("conflict.resolver.public.good", "delta"), "conflict.resolver"),
                badWith("sink", Map.of("conflict.resolver.public.good", "site-priority",
                        "conflict.resolver.public.good.sites", "m,m"), "conflict.resolver"),
                badWith("sink", Map.of("conflict.resolver.public.good", "site-priority",
                        "conflict.resolver.public.good.sites", "m,Not A Site"), "conflict.resolver"),
                badWith("sink", Map.of("conflict.resolver.public.other", "delete-wins"), "conflict.resolver"),
                bad("sink", "apply.dedupe.cache.size", "-1", "apply.dedupe.cache.size"),
                bad("sink", "apply.ledger.enabled", "maybe", "apply.ledger.enabled"),
                bad("sink", "coordinator.lease.ttl.ms", "10", "coordinator.lease.ttl.ms"));
    }

    private static Arguments bad(String kind, String key, String value, String field) {
        Map<String, String> change = new HashMap<>();
        change.put(key, value);
        return Arguments.of(kind, key + "=" + value, change, field);
    }

    private static Arguments badWith(String kind, Map<String, String> change, String field) {
        return Arguments.of(kind, change.toString(), change, field);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void isRejectedWithAMessageOnTheField(String kind, String description, Map<String, String> change, String field) {
        ConnectorTemplate template = kind.equals("source") ? stack.sourceConnector("m", List.of("public.good"))
                : stack.sinkConnector("m", List.of("public.good"));
        Map<String, String> config = new HashMap<>(template.config());
        config.put("name", template.name());
        change.forEach((key, value) -> {
            if (value == null) {
                config.remove(key);
            } else {
                config.put(key, value);
            }
        });
        Map<String, List<String>> errors = ConnectRestClient.errorsByField(
                stack.rest().validate(config.get("connector.class"), config));
        assertThat(errors).as("errors for %s", description).containsKey(field);
        assertThat(errors.get(field)).as("message for %s", description).isNotEmpty()
                .allSatisfy(message -> assertThat(message).isNotBlank());
    }
}
