package io.syncline.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;

/**
 * The entry point of every JVM the embedded stack starts as a separate process ({@link ChildJvm}):
 * {@code ChildMain <parent pid> <main class> [args...]} runs the main class, and halts this JVM as
 * soon as the parent process is gone, so a killed {@code syncline up} or test JVM never leaves
 * brokers or workers behind.
 */
public final class ChildMain {

    private static final Duration PARENT_CHECK = Duration.ofMillis(500);

    private ChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ChildMain <parent pid> <main class> [args...]");
            System.exit(2);
        }
        long parent = Long.parseLong(args[0]);
        Thread watch = new Thread(() -> watchParent(parent), "syncline-parent-watch");
        watch.setDaemon(true);
        watch.start();
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchParent(long parent) {
        while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                Thread.sleep(PARENT_CHECK.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
        System.err.println("parent process " + parent + " is gone; stopping");
        // halt, not exit: shutdown hooks of a half-started server may wait on the parent's resources.
        Runtime.getRuntime().halt(1);
    }
}
