package io.syncline.conflict.coordinator;

/** Where a site is in its life in a sync group, as recorded in the coordinator's site registry. */
public enum SiteState {
    /** Registered, taking its initial copy; not yet applying the change stream. */
    JOINING,
    /** Capturing and applying. */
    ACTIVE,
    /** Stopped on purpose; its frontier still holds back tombstone garbage collection. */
    PAUSED,
    /** Gone for good; its frontier no longer counts. */
    REMOVED
}
