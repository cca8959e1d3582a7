package io.syncline.tools.cli;

/** The exit codes of the {@code syncline} command: a public contract, kept stable. */
public enum ExitCode {
    /** Done; for demo and verify: every site holds the same rows. */
    OK(0),
    /** Demo or verify found sites that differ. */
    DIVERGED(1),
    /** The command line was wrong; the message says how to call it. */
    USAGE(2),
    /** The command could not do its work (a server did not start, a site is unreachable, ...). */
    FAILED(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
