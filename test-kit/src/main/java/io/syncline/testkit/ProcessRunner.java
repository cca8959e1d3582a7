package io.syncline.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an external command to completion with a timeout and returns what it printed.
 *
 * <p>Standard output and standard error are merged and written to a temporary file rather
 * than read through a pipe: a command that leaves a daemon behind (such as {@code pg_ctl start})
 * would otherwise keep the pipe open and the read would never end.
 *
 * <pre>{@code
 * String version = ProcessRunner.run(Duration.ofSeconds(10), List.of("pg_config", "--version"));
 * }</pre>
 */
public final class ProcessRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);

    private ProcessRunner() {
    }

    /**
     * Runs {@code command} and returns its merged output when it exits with status 0.
     *
     * @throws ProcessFailedException if the command exits with another status, does not finish
     *     within {@code timeout} (it is then killed), or cannot be started at all
     */
    public static String run(Duration timeout, List<String> command) {
        return run(timeout, command, Map.of());
    }

    /**
     * Runs {@code command} with extra environment variables (e.g. a client's password, which then
     * never shows in a command line or a log) and returns its merged output when it exits with 0.
     *
     * @throws ProcessFailedException as {@link #run(Duration, List)}
     */
    public static String run(Duration timeout, List<String> command, Map<String, String> environment) {
        Objects.requireNonNull(timeout, "timeout");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command was empty, must name a program to run");
        }
        Path output = null;
        try {
            output = Files.createTempFile("syncline-process-", ".log");
            LOG.debug("Running {}", command);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new ProcessFailedException(command, -1,
                        "did not finish within " + timeout.toMillis() + " ms and was killed",
                        Files.readString(output, StandardCharsets.UTF_8));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new ProcessFailedException(command, process.exitValue(),
                        "exited with status " + process.exitValue(), text);
            }
            return text;
        } catch (IOException e) {
            throw new ProcessFailedException(command, -1, "could not be started: " + e.getMessage(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessFailedException(command, -1, "was interrupted while waiting", "");
        } finally {
            deleteQuietly(output);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete {} ({}); remove it by hand", file, e.toString());
        }
    }

    /**
     * An external command failed; the message holds the command, why it failed and its output.
     *
     * <pre>{@code
     * try {
     *     ProcessRunner.run(Duration.ofSeconds(5), List.of("false"));
     * } catch (ProcessRunner.ProcessFailedException e) {
     *     log.warn("{} failed: {}", e.command(), e.output());
     * }
     * }</pre>
     */
    public static final class ProcessFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final List<String> command;
        private final int exitCode;
        private final String output;

        ProcessFailedException(List<String> command, int exitCode, String reason, String output) {
            super("command " + String.join(" ", command) + " " + reason
                    + (output.isBlank() ? "; it printed nothing" : "; its output:\n" + output.strip()));
            this.command = List.copyOf(command);
            this.exitCode = exitCode;
            this.output = output;
        }

        /** The command line that failed. */
        public List<String> command() {
            return command;
        }

        /** The exit status, or -1 when the command timed out or could not be started. */
        public int exitCode() {
            return exitCode;
        }

        /** Standard output and standard error, merged. */
        public String output() {
            return output;
        }
    }
}
