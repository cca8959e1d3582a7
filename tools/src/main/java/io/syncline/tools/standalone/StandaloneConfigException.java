package io.syncline.tools.standalone;

import java.util.List;

/**
 * A site file that cannot be run: every problem found, each naming its key
 * ({@code sink.database.port was 0, must be between 1 and 65535}).
 */
public final class StandaloneConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public StandaloneConfigException(String source, List<String> problems) {
        super(source + ": " + (problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems:\n  " + String.join("\n  ", problems)));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
