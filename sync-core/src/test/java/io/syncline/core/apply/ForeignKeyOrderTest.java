package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.TableRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForeignKeyOrderTest {

    private static final TableRef CUSTOMERS = TableRef.parse("public.customers");
    private static final TableRef ORDERS = TableRef.parse("public.orders");
    private static final TableRef LINES = TableRef.parse("public.order_lines");
    private static final TableRef PAYMENTS = TableRef.parse("public.payments");
    private static final TableRef AUDIT = TableRef.parse("public.audit");

    private static ForeignKey key(TableRef child, TableRef parent) {
        return new ForeignKey(child.name() + "_fk_" + parent.name(), child, List.of(parent.name() + "_id"), parent,
                List.of("id"), ForeignKey.OnDelete.CASCADE);
    }

    private static final List<ForeignKey> SHOP = List.of(key(ORDERS, CUSTOMERS), key(LINES, ORDERS),
            key(PAYMENTS, ORDERS));

    @Test
    void parentsComeBeforeTheirChildrenWhateverTheBatchOrder() {
        var order = new ForeignKeyOrder(List.of(LINES, PAYMENTS, ORDERS, CUSTOMERS), SHOP);

        assertThat(order.parentsFirst()).containsExactly(CUSTOMERS, ORDERS, LINES, PAYMENTS);
        assertThat(order.childrenFirst()).containsExactly(PAYMENTS, LINES, ORDERS, CUSTOMERS);
    }

    @Test
    void independentTablesKeepTheirBatchOrder() {
        var order = new ForeignKeyOrder(List.of(AUDIT, PAYMENTS, LINES, ORDERS), SHOP);

        assertThat(order.parentsFirst()).as("audit has no keys; lines and payments keep batch order")
                .containsExactly(AUDIT, ORDERS, PAYMENTS, LINES);
        assertThat(order.keepsBatchOrder(LINES)).isFalse();
    }

    @Test
    void keysToTablesOutsideTheBatchAreIgnored() {
        var order = new ForeignKeyOrder(List.of(LINES, PAYMENTS), SHOP);

        assertThat(order.parentsFirst()).containsExactly(LINES, PAYMENTS);
    }

    @Test
    void aSelfReferencingTableIsOrderedWithTheOthersAndKeepsBatchOrderInside() {
        TableRef tree = TableRef.parse("public.categories");
        var order = new ForeignKeyOrder(List.of(tree, ORDERS, CUSTOMERS),
                List.of(key(tree, tree), key(tree, ORDERS), key(ORDERS, CUSTOMERS)));

        assertThat(order.parentsFirst()).containsExactly(CUSTOMERS, ORDERS, tree);
        assertThat(order.keepsBatchOrder(tree)).isTrue();
        assertThat(order.keepsBatchOrder(ORDERS)).isFalse();
    }

    @Test
    void aCycleIsBrokenAtItsFirstTableInBatchOrderAndItsTablesKeepBatchOrder() {
        TableRef a = TableRef.parse("public.a");
        TableRef b = TableRef.parse("public.b");
        var order = new ForeignKeyOrder(List.of(LINES, b, a, ORDERS),
                List.of(key(a, b), key(b, a), key(LINES, ORDERS), key(a, ORDERS)));

        assertThat(order.parentsFirst()).containsExactly(ORDERS, LINES, b, a);
        assertThat(order.keepsBatchOrder(a)).isTrue();
        assertThat(order.keepsBatchOrder(b)).isTrue();
        assertThat(order.keepsBatchOrder(LINES)).isFalse();
    }

    @Test
    void theOrderIsTheSameForTheSameBatchEveryTime() {
        List<TableRef> batch = List.of(PAYMENTS, LINES, AUDIT, ORDERS, CUSTOMERS);
        List<ForeignKey> keysTheOtherWayRound = new ArrayList<>(SHOP);
        Collections.reverse(keysTheOtherWayRound);

        assertThat(new ForeignKeyOrder(batch, SHOP).parentsFirst()).as("whatever order the catalog lists keys in")
                .isEqualTo(new ForeignKeyOrder(batch, keysTheOtherWayRound).parentsFirst())
                .containsExactly(AUDIT, CUSTOMERS, ORDERS, PAYMENTS, LINES);
    }
}
