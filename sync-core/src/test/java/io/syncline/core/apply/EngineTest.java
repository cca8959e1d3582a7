package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.SiteId;
import io.syncline.core.site.MariaDbSiteInstaller;
import io.syncline.core.site.PostgresSiteInstaller;
import org.junit.jupiter.api.Test;

class EngineTest {

    @Test
    void theConfigNameChoosesTheEngineAndNothingElseDoes() {
        assertThat(Engine.of("postgres")).isSameAs(Engine.POSTGRES);
        assertThat(Engine.of("mariadb")).isSameAs(Engine.MARIADB);
        assertThat(Engine.POSTGRES.configName()).isEqualTo("postgres");
        assertThat(Engine.MARIADB.configName()).isEqualTo("mariadb");
        for (String name : new String[] {"mysql", "Postgres", "", " postgres"}) {
            assertThatThrownBy(() -> Engine.of(name)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("engine was '" + name + "', must be postgres or mariadb");
        }
        assertThatThrownBy(() -> Engine.of(null)).hasMessage("engine was 'null', must be postgres or mariadb");
    }

    @Test
    void eachEngineOwnsItsDialectAndInstaller() {
        assertThat(Engine.POSTGRES.dialect()).isSameAs(Dialect.postgres());
        assertThat(Engine.MARIADB.dialect()).isSameAs(Dialect.mariaDb());
        assertThat(Engine.POSTGRES.dialect().name()).isEqualTo(Engine.POSTGRES.configName());
        assertThat(Engine.MARIADB.dialect().name()).isEqualTo(Engine.MARIADB.configName());
        assertThat(Engine.POSTGRES.installer(SiteId.of("a"), "orders")).isInstanceOf(PostgresSiteInstaller.class);
        assertThat(Engine.MARIADB.installer(SiteId.of("b"), "orders")).isInstanceOf(MariaDbSiteInstaller.class);
    }

    @Test
    void buildsAndRecognisesItsJdbcUrls() {
        assertThat(Engine.POSTGRES.jdbcUrl("db-east", 5432, "shop")).isEqualTo("jdbc:postgresql://db-east:5432/shop");
        assertThat(Engine.MARIADB.jdbcUrl("db-west", 3306, "public")).isEqualTo("jdbc:mariadb://db-west:3306/public");
        assertThat(Engine.forJdbcUrl(Engine.MARIADB.jdbcUrl("h", 1, "d"))).isSameAs(Engine.MARIADB);
        assertThat(Engine.forJdbcUrl("jdbc:mysql://h/d")).isSameAs(Engine.MARIADB);
        assertThat(Engine.POSTGRES.ownsJdbcUrl("jdbc:mariadb://h/d")).isFalse();
        assertThat(Engine.POSTGRES.ownsJdbcUrl(null)).isFalse();
        assertThatThrownBy(() -> Engine.forJdbcUrl(null)).hasMessageContaining("JDBC URL ''");
    }
}
