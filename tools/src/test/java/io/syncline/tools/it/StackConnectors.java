package io.syncline.tools.it;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.time.Duration;
import java.util.List;

/** Connector steps the ITs share, through the Connect REST API of an embedded stack. */
final class StackConnectors {

    private StackConnectors() {
    }

    /** Pauses the connectors and waits until every task of each is PAUSED (no batch in flight any more). */
    static void pauseAndAwait(EmbeddedStack stack, List<String> connectors) {
        connectors.forEach(stack.rest()::pauseConnector);
        for (String connector : connectors) {
            Deadlines.await(connector + " paused", Duration.ofSeconds(30),
                    () -> stack.rest().taskStates(connector).values().stream().allMatch("PAUSED"::equals),
                    () -> String.valueOf(stack.rest().taskStates(connector)));
        }
    }
}
