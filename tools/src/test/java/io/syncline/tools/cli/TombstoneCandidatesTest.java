package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.RowId;
import io.syncline.tools.cli.TombstoneCandidates.Tombstone;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TombstoneCandidatesTest {

    private static Map<RowId, Tombstone> site(Tombstone... tombstones) {
        Map<RowId, Tombstone> m = new LinkedHashMap<>();
        for (Tombstone t : tombstones) {
            m.put(t.key(), t);
        }
        return m;
    }

    @Test
    void onlyTombstonesWithTheSameVectorAtEverySiteAreCandidates() {
        Tombstone everywhere = new Tombstone("public.t", "1", "a:3,b:2");
        Tombstone newerAtC = new Tombstone("public.t", "2", "a:4");
        Tombstone missingAtB = new Tombstone("public.t", "3", "c:9");
        Tombstone otherTable = new Tombstone("public.u", "1", "b:1");
        List<Tombstone> candidates = TombstoneCandidates.select(List.of(
                site(everywhere, newerAtC, missingAtB, otherTable),
                site(otherTable, newerAtC, everywhere),
                site(new Tombstone("public.t", "2", "a:4,c:1"), everywhere, missingAtB, otherTable)));

        assertThat(candidates).containsExactly(everywhere, otherTable);
    }

    @Test
    void aVectorThatDiffersInOneEntryIsNoCandidate() {
        Tombstone sorted = new Tombstone("public.t", "k", "a:1,b:2");
        assertThat(TombstoneCandidates.select(List.of(site(sorted), site(new Tombstone("public.t", "k", "a:1,b:3")))))
                .isEmpty();
        assertThat(TombstoneCandidates.select(List.of(site(sorted), site(new Tombstone("public.t", "k", "a:1")))))
                .isEmpty();
    }

    @Test
    void noSitesOrAnEmptySiteGiveNoCandidates() {
        Tombstone t = new Tombstone("public.t", "1", "a:1");
        assertThat(TombstoneCandidates.select(List.of())).isEmpty();
        assertThat(TombstoneCandidates.select(List.of(site(t), site()))).isEmpty();
        assertThat(TombstoneCandidates.select(List.of(site(t)))).containsExactly(t);
    }

    @Test
    void aMeshWithAnotherEngineIsRefused() {
        var json = MeshJson.parse("{\"sites\":{\"a\":{\"engine\":\"postgres\"},\"m\":{\"engine\":\"mariadb\"}}}");
        assertThat(GcCommand.unsupported(json)).contains("site m has engine 'mariadb'");
    }
}
