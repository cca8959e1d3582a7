package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;
import java.util.Objects;

/**
 * A change the site's database refused (a constraint, a value that does not fit the column):
 * nothing of it was written; the rest of its batch was.
 */
public record Rejection(ChangeEvent event, String reason) {

    public Rejection {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(reason, "reason");
    }
}
