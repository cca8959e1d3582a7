package io.syncline.connector.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.connector.deadletter.DeadLetterLog;
import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConsoleResourceTest {

    private final ConsoleResource console = new ConsoleResource();

    @Test
    void everyFileThePageLoadsIsShippedAndServedWithItsType() {
        String index = new String((byte[]) console.file("index.html").getEntity(), StandardCharsets.UTF_8);
        Matcher refs = Pattern.compile("(?:src|href)=\"([^\"#]+)\"").matcher(index);
        int found = 0;
        while (refs.find()) {
            String file = refs.group(1);
            assertThat(file).as("the page loads nothing from elsewhere").doesNotContain("//").doesNotStartWith("/");
            Response r = console.file(file);
            assertThat(r.getStatus()).as(file).isEqualTo(200);
            assertThat(r.getMediaType()).isEqualTo(MediaType.valueOf(ConsoleResource.FILES.get(file)));
            found++;
        }
        assertThat(found).as("every other listed file").isEqualTo(ConsoleResource.FILES.size() - 1);
        for (String file : ConsoleResource.FILES.keySet()) {
            // SVG's namespace is a name, not an address anything is loaded from.
            String body = new String((byte[]) console.file(file).getEntity(), StandardCharsets.UTF_8)
                    .replace("http://www.w3.org/2000/svg", "");
            assertThat(body).as("%s fetches nothing from the internet", file).doesNotContain("http://")
                    .doesNotContain("https://").doesNotContain("//cdn");
        }
    }

    @Test
    void onlyTheListedFilesAreServed() {
        assertThat(console.file("../version.properties").getStatus()).isEqualTo(404);
        assertThat(console.file("SynclineRestExtension.class").getStatus()).isEqualTo(404);
    }

    @Test
    void aDeadLetterShowsTheRowsValuesOnlyWhenAsked() {
        SiteId a = new SiteId("a");
        ChangeEvent e = new ChangeEvent("public.widening", "1", ChangeEvent.Op.UPSERT, List.of("id"),
                Map.of("id", ColumnValue.of(1L), "code", ColumnValue.of("secret value")),
                VersionVector.of(Map.of(a, 3L)), new Dot(a, 3), 42L, 1_000L, "");
        DeadLetterLog.DeadLetter d = new DeadLetterLog.DeadLetter(0, 7, 1_700_000_000_000L, "public.widening/1",
                "site b refused the change", "org.apache.kafka.connect.errors.DataException", "g.changes", 1L, 9L,
                Optional.of(e), null);
        Map<String, Object> hidden = DeadLettersResource.render(d, null, false);
        assertThat(hidden).containsEntry("key", "1").containsEntry("dot", "a:3").containsEntry("source", "g.changes-1@9")
                .doesNotContainKey("columns");
        assertThat(hidden.toString()).doesNotContain("secret value");
        assertThat(DeadLettersResource.render(d, null, true).get("columns").toString()).contains("secret value");
        ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
        assertThat(codec.decode(codec.encode(e))).isEqualTo(e);
    }
}
