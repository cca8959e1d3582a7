package io.syncline.conflict;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * Makes the resolver a configuration value names: a built-in by its name, or a user class by its
 * fully-qualified name, loaded through the thread's context class loader (Connect sets it to the
 * plugin's loader) and else the loader of this module.
 */
final class ResolverLoader {

    private ResolverLoader() {
    }

    /**
     * @param name the configured value, e.g. {@code site-priority} or {@code com.example.MyResolver}
     * @param key the key that configured it, for messages
     * @throws IllegalArgumentException naming the key if no resolver can be made
     */
    static ConflictResolver create(String name, String key) {
        Optional<BuiltIn> builtIn = BuiltIn.named(name);
        if (builtIn.isPresent()) {
            return builtIn.get().create();
        }
        if (!name.contains(".")) {
            throw new IllegalArgumentException(key + " was '" + name + "', which is not a built-in resolver (built-ins: "
                    + String.join(", ", BuiltIn.names()) + ") nor a class name implementing "
                    + ConflictResolver.class.getName());
        }
        Class<?> type = load(name, key);
        String named = key + " names class " + name + ", which ";
        if (!ConflictResolver.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(named + "does not implement " + ConflictResolver.class.getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException(named + "is abstract; name a concrete class");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(named + "has no public no-argument constructor");
        }
        ConflictResolver resolver;
        try {
            resolver = (ConflictResolver) constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(named + "failed in its constructor: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(named + "cannot be instantiated (is the class public?): " + e, e);
        }
        String resolverName = resolver.name();
        if (resolverName == null || resolverName.isBlank()) {
            throw new IllegalArgumentException(named + "returns no name(); the name is recorded with every conflict");
        }
        return resolver;
    }

    private static Class<?> load(String name, String key) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        Throwable failure = null;
        if (context != null) {
            try {
                return Class.forName(name, true, context);
            } catch (ClassNotFoundException | LinkageError e) {
                failure = e;
            }
        }
        ClassLoader own = ConflictResolver.class.getClassLoader();
        if (own != context) {
            try {
                return Class.forName(name, true, own);
            } catch (ClassNotFoundException | LinkageError e) {
                failure = failure == null ? e : failure;
            }
        }
        throw new IllegalArgumentException(key + " names class " + name + ", which cannot be loaded: " + failure
                + "; put the jar holding it into the plugin's directory", failure);
    }
}
