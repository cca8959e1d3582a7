package io.syncline.tools.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.apply.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteSpecTest {

    @Test
    void aPostgresSiteMayNameItsServerVersion() {
        List<EmbeddedStack.SiteSpec> sites = EmbeddedStack.SiteSpec.parseList("a:postgres17,b:postgres15,c:mariadb,d");

        assertThat(sites).containsExactly(new EmbeddedStack.SiteSpec("a", Engine.POSTGRES, 17),
                new EmbeddedStack.SiteSpec("b", Engine.POSTGRES, 15), new EmbeddedStack.SiteSpec("c", Engine.MARIADB),
                new EmbeddedStack.SiteSpec("d", Engine.POSTGRES, 0));
    }

    @Test
    void anUnknownEngineOrVersionIsRefusedNamingWhatRuns() {
        assertThatThrownBy(() -> EmbeddedStack.SiteSpec.parseList("a:postgres9"))
                .hasMessageContaining("postgres17");
        assertThatThrownBy(() -> EmbeddedStack.SiteSpec.parseList("a:mysql")).hasMessageContaining("mariadb");
        assertThatThrownBy(() -> new EmbeddedStack.SiteSpec("a", Engine.MARIADB, 17))
                .hasMessageContaining("PostgreSQL");
    }
}
