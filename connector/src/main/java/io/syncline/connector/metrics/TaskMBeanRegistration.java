package io.syncline.connector.metrics;

import java.util.Objects;
import java.util.regex.Pattern;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's MBean in an MBean server, named in the Connect/Debezium style
 * {@code io.syncline:type=connector-metrics,context=<sink|source>,connector=<name>,task=<n>}.
 * Connect tells a task neither its id nor its index, so {@code n} is the lowest number no other
 * task of the same connector in this JVM has registered: a restarted task takes its old number again.
 */
final class TaskMBeanRegistration implements AutoCloseable {

    static final String DOMAIN = "io.syncline";
    static final String TYPE = "connector-metrics";

    private static final Logger LOG = LoggerFactory.getLogger(TaskMBeanRegistration.class);
    private static final int MAX_TASKS = 10_000;
    /** Characters an unquoted ObjectName value may not hold. */
    private static final Pattern NEEDS_QUOTES = Pattern.compile("[,=:\"*?\\\\\\n]");

    private final MBeanServer server;
    private final ObjectName name;
    private final int task;

    private TaskMBeanRegistration(MBeanServer server, ObjectName name, int task) {
        this.server = server;
        this.name = name;
        this.task = task;
    }

    /**
     * Registers {@code mbean} under the first free task number of the connector.
     *
     * @throws IllegalStateException if the server refuses the MBean
     */
    static <T> TaskMBeanRegistration register(MBeanServer server, String context, String connector, T mbean,
            Class<T> mxbeanInterface) {
        Objects.requireNonNull(server, "server");
        requireText("context", context);
        requireText("connector", connector);
        StandardMBean standard = new StandardMBean(mbean, mxbeanInterface, true);
        for (int task = 0; task < MAX_TASKS; task++) {
            ObjectName name = name(context, connector, Integer.toString(task));
            try {
                server.registerMBean(standard, name);
                LOG.debug("Registered MBean {}", name);
                return new TaskMBeanRegistration(server, name, task);
            } catch (InstanceAlreadyExistsException e) {
                // Another task of the connector has this number; try the next.
            } catch (JMException e) {
                throw new IllegalStateException("cannot register the metrics MBean " + name + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("connector " + connector + " already has " + MAX_TASKS
                + " " + context + " task MBeans in this JVM; none was registered");
    }

    /** The name of one task's MBean; {@code task} may be {@code *} for a pattern. */
    static ObjectName name(String context, String connector, String task) {
        try {
            return new ObjectName(DOMAIN + ":type=" + TYPE + ",context=" + context + ",connector=" + value(connector)
                    + ",task=" + task);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("connector name '" + connector + "' gives no valid MBean name: "
                    + e.getMessage(), e);
        }
    }

    /** The connector name as an ObjectName value: as is when it can be, quoted otherwise. */
    static String value(String connector) {
        return NEEDS_QUOTES.matcher(connector).find() || connector.isEmpty() ? ObjectName.quote(connector) : connector;
    }

    ObjectName name() {
        return name;
    }

    int task() {
        return task;
    }

    /** Unregisters the MBean; a second call does nothing. */
    @Override
    public void close() {
        try {
            server.unregisterMBean(name);
            LOG.debug("Unregistered MBean {}", name);
        } catch (InstanceNotFoundException e) {
            // Already gone.
        } catch (JMException e) {
            LOG.warn("Cannot unregister the metrics MBean {}: {}", name, e.getMessage());
        }
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " was '" + value + "', must not be empty");
        }
    }
}
