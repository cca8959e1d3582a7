package io.syncline.connector.metrics;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.LoggerFactory;

/**
 * What the metrics of every Syncline task share: the sync group and site they describe, and their
 * MBean registration, which lasts until {@link #close()}. A task keeps running when the MBean server
 * refuses its MBean: metrics are for people.
 */
abstract class TaskMetrics implements AutoCloseable {

    private final String syncGroup;
    private final String site;
    private TaskMBeanRegistration registration;

    TaskMetrics(String syncGroup, String site) {
        this.syncGroup = syncGroup;
        this.site = site;
    }

    /** Registers {@code metrics} as the {@code context} task MBean of {@code connector}; never throws. */
    static <T, M extends TaskMetrics> M register(MBeanServer server, String context, String connector, M metrics,
            Class<T> mxbeanInterface) {
        try {
            ((TaskMetrics) metrics).registration = TaskMBeanRegistration.register(server, context, connector,
                    mxbeanInterface.cast(metrics), mxbeanInterface);
        } catch (IllegalStateException | IllegalArgumentException e) {
            LoggerFactory.getLogger(metrics.getClass()).warn("The {} task of {} runs without JMX metrics: {}",
                    context, connector, e.getMessage());
        }
        return metrics;
    }

    /** The name this task's MBean is registered under, null if the MBean server refused it. */
    public ObjectName objectName() {
        return registration == null ? null : registration.name();
    }

    /** Unregisters the MBean. */
    @Override
    public void close() {
        if (registration != null) {
            registration.close();
        }
    }

    public String getSyncGroup() {
        return syncGroup;
    }

    public String getSite() {
        return site;
    }
}
