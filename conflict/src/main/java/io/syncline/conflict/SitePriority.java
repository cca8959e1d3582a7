package io.syncline.conflict;

import io.syncline.core.SiteId;
import io.syncline.core.apply.RowState;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code site-priority}: the version whose origin comes first in option {@code sites} wins whole;
 * origins not in the list rank after every listed one; versions of equal rank by last writer.
 *
 * <pre>{@code
 * // conflict.resolver.public.orders=site-priority
 * // conflict.resolver.public.orders.sites=east,west
 * }</pre>
 */
final class SitePriority implements ConflictResolver {

    static final String NAME = "site-priority";
    static final String SITES = "sites";

    private Map<SiteId, Integer> ranks = Map.of();
    private Comparator<RowState> order = WriteOrder.LAST_WRITER;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void configure(ResolverSettings settings) {
        List<String> sites = settings.list(SITES);
        Map<SiteId, Integer> byRank = new HashMap<>();
        for (String text : sites) {
            SiteId site;
            try {
                site = SiteId.of(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(settings.key(SITES) + " lists '" + text + "', which is not a site id: "
                        + e.getMessage(), e);
            }
            if (byRank.putIfAbsent(site, byRank.size()) != null) {
                throw new IllegalArgumentException(settings.key(SITES) + " lists site '" + site + "' twice; list every"
                        + " site once, highest priority first");
            }
        }
        ranks = Map.copyOf(byRank);
        int unlisted = ranks.size();
        // A smaller rank is a higher priority, so it must compare greater.
        order = Comparator.<RowState>comparingInt(v -> -ranks.getOrDefault(v.origin(), unlisted))
                .thenComparing(WriteOrder.LAST_WRITER);
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        return order.compare(a, b) >= 0 ? a : b;
    }
}
