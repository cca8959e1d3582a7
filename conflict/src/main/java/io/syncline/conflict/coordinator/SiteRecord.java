package io.syncline.conflict.coordinator;

/**
 * A site as the coordinator's registry knows it.
 *
 * <pre>{@code
 * client.registerSite(new SiteRecord("orders", "east", "postgresql", 10, SiteState.ACTIVE));
 * }</pre>
 *
 * @param group the sync group
 * @param site the site id
 * @param engine the database engine, e.g. {@code postgresql} or {@code mariadb}
 * @param priority the site's rank for the site-priority resolver (higher wins)
 * @param state where the site is in its life
 */
public record SiteRecord(String group, String site, String engine, int priority, SiteState state) {

    /** Checks every field. */
    public SiteRecord {
        Checks.text("group", group);
        Checks.text("site", site);
        Checks.text("engine", engine);
        if (state == null) {
            throw new IllegalArgumentException("state of site " + site + " was null");
        }
    }
}
