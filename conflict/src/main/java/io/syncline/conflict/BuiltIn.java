package io.syncline.conflict;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The built-in resolvers: name, the options each accepts, and how to make one. */
enum BuiltIn {
    LAST_WRITER_WINS(LastWriterWins.NAME, Set.of(), LastWriterWins::new),
    SITE_PRIORITY(SitePriority.NAME, Set.of(SitePriority.SITES), SitePriority::new),
    DELETE_WINS(DeletionPreference.DELETE_WINS, Set.of(), DeletionPreference::deleteWins),
    UPDATE_WINS(DeletionPreference.UPDATE_WINS, Set.of(), DeletionPreference::updateWins),
    MAX(ExtremeValue.MAX, Set.of(ExtremeValue.COLUMN), ExtremeValue::max),
    MIN(ExtremeValue.MIN, Set.of(ExtremeValue.COLUMN), ExtremeValue::min),
    COLUMN_LAST_WRITER_WINS(ColumnLastWriterWins.NAME, Set.of(), ColumnLastWriterWins::new),
    DELTA(CounterDelta.NAME, Set.of(CounterDelta.COLUMNS), CounterDelta::new),
    MANUAL(ManualReview.NAME, Set.of(), ManualReview::new);

    private final String resolverName;
    private final Set<String> options;
    private final Supplier<ConflictResolver> factory;

    BuiltIn(String resolverName, Set<String> options, Supplier<ConflictResolver> factory) {
        this.resolverName = resolverName;
        this.options = options;
        this.factory = factory;
    }

    static Optional<BuiltIn> named(String name) {
        return Arrays.stream(values()).filter(b -> b.resolverName.equals(name)).findFirst();
    }

    static List<String> names() {
        return Arrays.stream(values()).map(b -> b.resolverName).toList();
    }

    String resolverName() {
        return resolverName;
    }

    /** The option names this resolver reads, e.g. {@code sites}. */
    Set<String> options() {
        return options;
    }

    ConflictResolver create() {
        return factory.get();
    }
}
