package io.syncline.tools.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code --name value} options of one command, checked against the names it accepts. */
final class CommandLine {

    /** A wrong command line; the message names the option and what is expected. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> options = new HashMap<>();
    private final boolean help;

    CommandLine(List<String> args, Set<String> valued, Set<String> flags) {
        boolean wantsHelp = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                wantsHelp = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                options.put(name, value == null ? "true" : value);
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                options.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        this.help = wantsHelp;
    }

    boolean help() {
        return help;
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    int intValue(String name, int fallback, int min, int max) {
        String raw = options.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.replace("_", ""));
            if (v < min || v > max) {
                throw new UsageException("--" + name + " was " + raw + ", must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " was '" + raw + "', must be a whole number");
        }
    }
}
