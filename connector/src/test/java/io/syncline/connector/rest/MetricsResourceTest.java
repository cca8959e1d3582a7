package io.syncline.connector.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.connector.metrics.PrometheusText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsResourceTest {

    @Test
    void aSiteDatabaseBecomesGaugesOfItsSlot() {
        PrometheusText.Gauges gauges = new PrometheusText.Gauges();
        MetricsResource.render(gauges, "shop", "a", SiteStatus.DatabaseStatus.reachable("db:5432/a", null, 4,
                Map.of(), Map.of(), List.of(), new SiteStatus.CaptureStatus("syncline_shop_a", true, false, "0/1",
                        10L, 3L << 20, "reserved", 1L << 20)));
        MetricsResource.render(gauges, "shop", "b", SiteStatus.DatabaseStatus.unreachable("db:5432/b", "refused"));

        String text = gauges.render();

        assertThat(text).contains("# TYPE syncline_site_slot_retained_bytes gauge\n")
                .contains("syncline_site_slot_retained_bytes{group=\"shop\",site=\"a\",slot=\"syncline_shop_a\"} "
                        + (3L << 20) + "\n")
                .contains("syncline_site_slot_active{group=\"shop\",site=\"a\",slot=\"syncline_shop_a\"} 0\n")
                .contains("syncline_site_slot_retained_warning{group=\"shop\",site=\"a\",slot=\"syncline_shop_a\"} 1\n")
                .contains("syncline_site_slot_lost{group=\"shop\",site=\"a\",slot=\"syncline_shop_a\"} 0\n")
                .contains("syncline_site_conflicts_logged{group=\"shop\",site=\"a\"} 4\n")
                .contains("syncline_site_database_up{group=\"shop\",site=\"a\"} 1\n")
                .contains("syncline_site_database_up{group=\"shop\",site=\"b\"} 0\n");
        assertThat(text.split("# TYPE syncline_site_database_up ", -1)).hasSize(2);
    }
}
