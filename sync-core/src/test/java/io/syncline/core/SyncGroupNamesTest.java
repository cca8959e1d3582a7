package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The names running meshes already use: a change here renames topics, slots or connectors of live sites. */
class SyncGroupNamesTest {

    private final SyncGroupNames orders = SyncGroupNames.of("orders");

    @Test
    void topicsOfTheGroup() {
        assertThat(orders.changesTopic()).isEqualTo("orders.changes");
        assertThat(orders.conflictsTopic()).isEqualTo("orders.conflicts");
        assertThat(orders.heartbeatsTopic()).isEqualTo("orders.heartbeats");
    }

    @Test
    void topicsOfASite() {
        assertThat(orders.deadLetterTopic("west")).isEqualTo("orders.dlq.west");
        assertThat(orders.schemaHistoryTopic("west")).isEqualTo("orders.schema-history.west");
        assertThat(orders.capturePrefix("west")).isEqualTo("syncline.orders.west");
    }

    @Test
    void slotAndPublicationAreLowerCaseWithOnlyLettersDigitsAndUnderscores() {
        assertThat(orders.slot("west")).isEqualTo("syncline_orders_west");
        assertThat(orders.publication("west")).isEqualTo("syncline_orders_west");
        assertThat(SyncGroupNames.of("Shop.EU-1").slot("b-2")).isEqualTo("syncline_shop_eu_1_b_2");
        assertThat(SyncGroupNames.of("Shop.EU-1").publication("b-2")).isEqualTo("syncline_shop_eu_1_b_2");
    }

    @Test
    void theSlotDoesNotDependOnTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(SyncGroupNames.of("INVOICES").slot("izmir")).isEqualTo("syncline_invoices_izmir");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void connectorNamesAndTheStandaloneOffsetsFile() {
        assertThat(orders.sourceConnector("west")).isEqualTo("syncline-orders-west-source");
        assertThat(orders.sinkConnector("west")).isEqualTo("syncline-orders-west-sink");
        assertThat(orders.offsetsFile("west")).isEqualTo("syncline-orders-west.offsets");
    }

    @Test
    void aGroupIsNeededToNameAnything() {
        assertThatThrownBy(() -> SyncGroupNames.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sync group was ''");
        assertThatThrownBy(() -> SyncGroupNames.of(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> orders.slot(null)).isInstanceOf(NullPointerException.class);
    }
}
