package io.syncline.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java program of the embedded stack (the Kafka broker, a Connect worker, a coordinator peer) in a
 * JVM of its own, on this JVM's class path, so that a test or a person can kill, pause or restart it
 * as a process. Its output goes to {@code <logDir>/<name>.out}; it halts when this JVM is gone
 * ({@link ChildMain}).
 *
 * <pre>{@code
 * ChildJvm worker = ChildJvm.start(new ChildJvm.Spec("worker-1", "org.apache.kafka.connect.cli.ConnectDistributed",
 *         List.of(propsFile.toString()), Map.of(), "512m", logDir));
 * worker.kill();      // SIGKILL, waits until it is gone
 * worker = worker.restart();
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What to run.
     *
     * @param name a short name, also the name of the output file
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @param systemProperties {@code -D} settings for the JVM
     * @param maxHeap the {@code -Xmx} value, e.g. {@code 512m}
     * @param logDir the folder of the output file
     */
    public record Spec(String name, String mainClass, List<String> args, Map<String, String> systemProperties,
            String maxHeap, Path logDir) {
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mainClass, "mainClass");
            args = List.copyOf(args);
            systemProperties = Map.copyOf(systemProperties);
            Objects.requireNonNull(maxHeap, "maxHeap");
            Objects.requireNonNull(logDir, "logDir");
        }
    }

    private final Spec spec;
    private final Process process;

    private ChildJvm(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
    }

    /** Starts the program; it is running (not necessarily ready) when this returns. */
    public static ChildJvm start(Spec spec) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + spec.maxHeap());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        String log4j = System.getProperty("log4j2.configurationFile");
        if (log4j != null) {
            command.add("-Dlog4j2.configurationFile=" + log4j);
        }
        command.add("-Dsyncline.log.file=" + spec.logDir().resolve(spec.name() + ".log"));
        spec.systemProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(spec.mainClass());
        command.addAll(spec.args());
        try {
            Files.createDirectories(spec.logDir());
            Path out = spec.logDir().resolve(spec.name() + ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            LOG.info("Started {} as process {} (output {})", spec.name(), process.pid(), out);
            return new ChildJvm(spec, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.name() + " (" + spec.mainClass() + ") as a process", e);
        }
    }

    /** The same program started again, e.g. after {@link #kill()}; this one must have ended. */
    public ChildJvm restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(spec.name() + " (process " + process.pid() + ") still runs; stop it first");
        }
        return start(spec);
    }

    public Spec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The path of the program's console output. */
    public Path outputFile() {
        return spec.logDir().resolve(spec.name() + ".out");
    }

    /** SIGKILL, as {@code kill -9} would; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(STOP_TIMEOUT);
        LOG.info("Killed {} (process {})", spec.name(), process.pid());
    }

    /** SIGSTOP: the process stands still, threads, timers and sockets alike, until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    /** SIGTERM, then SIGKILL if it has not ended within 30 s; returns once the process is gone. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        resume(); // a paused process cannot act on SIGTERM
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} (process {}) did not stop within {} s; killing it", spec.name(), process.pid(),
                        STOP_TIMEOUT.toSeconds());
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void signal(String name) {
        if (process.isAlive()) {
            ProcessRunner.run(Duration.ofSeconds(10), List.of("kill", "-" + name, Long.toString(process.pid())));
        }
    }

    private void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(spec.name() + " (process " + process.pid() + ") did not end within "
                        + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + spec.name() + " to end", e);
        }
    }
}
