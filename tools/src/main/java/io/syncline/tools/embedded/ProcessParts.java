package io.syncline.tools.embedded;

import io.syncline.testkit.ConnectWorkerProcess;
import io.syncline.testkit.EmbeddedKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The parts of an {@link EmbeddedStack} that run as separate processes in process mode: the Connect
 * workers of one Connect cluster and the coordinator peers (the broker is an {@link EmbeddedKafka}
 * started with {@link EmbeddedKafka#startProcess}).
 */
final class ProcessParts implements AutoCloseable {

    private final List<ConnectWorkerProcess> workers;
    private final CoordinatorProcesses coordinator;

    private ProcessParts(List<ConnectWorkerProcess> workers, CoordinatorProcesses coordinator) {
        this.workers = List.copyOf(workers);
        this.coordinator = coordinator;
    }

    /** Starts {@code count} workers of one new Connect cluster in parallel. */
    static ProcessParts start(int count, EmbeddedKafka kafka, CoordinatorProcesses coordinator, Path pluginPath,
            Map<String, String> workerOverrides, Path workDir, Path logDir) {
        String groupId = "syncline-connect-" + UUID.randomUUID().toString().substring(0, 8);
        List<CompletableFuture<ConnectWorkerProcess>> starting = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = "worker-" + i;
            starting.add(CompletableFuture.supplyAsync(() -> ConnectWorkerProcess.start(name,
                    kafka.bootstrapServers(), pluginPath, groupId, workerOverrides, workDir.resolve("connect"),
                    logDir)));
        }
        List<ConnectWorkerProcess> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<ConnectWorkerProcess> f : starting) {
            try {
                started.add(f.join());
            } catch (CompletionException e) {
                failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        if (failure != null) {
            started.forEach(ConnectWorkerProcess::close);
            throw failure;
        }
        return new ProcessParts(started, coordinator);
    }

    /**
     * Where the processes write their output: {@code -Dsyncline.process.log.dir}, else the folder of
     * this JVM's log file ({@code -Dsyncline.log.file}), else the stack's folder; always in a subfolder
     * named after the stack's folder.
     */
    static Path logDir(Path workDir) {
        String configured = System.getProperty("syncline.process.log.dir");
        String logFile = System.getProperty("syncline.log.file");
        Path base;
        if (configured != null && !configured.isBlank()) {
            base = Path.of(configured);
        } else if (logFile != null && !logFile.isBlank() && Path.of(logFile).toAbsolutePath().getParent() != null) {
            base = Path.of(logFile).toAbsolutePath().getParent();
        } else {
            base = workDir.resolve("logs");
        }
        return base.resolve(workDir.getFileName().toString());
    }

    List<ConnectWorkerProcess> workers() {
        return workers;
    }

    CoordinatorProcesses coordinator() {
        return coordinator;
    }

    /** The first worker whose process runs and is not paused. */
    ConnectWorkerProcess liveWorker() {
        return workers.stream().filter(w -> w.isAlive() && !w.isPaused()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Connect worker process is running"));
    }

    List<String> restUrls() {
        return workers.stream().map(ConnectWorkerProcess::restUrl).toList();
    }

    /** Stops the workers (in parallel: each waits for its tasks), then the coordinator peers. */
    @Override
    public void close() {
        CompletableFuture.allOf(workers.stream()
                .map(w -> CompletableFuture.runAsync(w::close))
                .toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (coordinator != null) {
            coordinator.close();
        }
    }
}
