package io.syncline.tools.cli;

import java.io.PrintStream;

/** A one-line progress bar on a terminal stream, redrawn in place; plain lines when not a terminal. */
final class ProgressBar {

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private long lastPrinted = -1;
    private long lastPrintNanos;

    ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.terminal = System.console() != null;
    }

    void update(long done) {
        long now = System.nanoTime();
        boolean finished = done >= total;
        if (done == lastPrinted || (!finished && now - lastPrintNanos < (terminal ? 100_000_000L : 2_000_000_000L))) {
            return;
        }
        lastPrinted = done;
        lastPrintNanos = now;
        int width = 30;
        int filled = (int) Math.min(width, done * width / total);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format("%s [%s] %d/%d (%d%%)", label, bar, done, total, Math.min(100, done * 100 / total));
        if (terminal) {
            out.print("\r" + line + (finished ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
