package io.syncline.conflict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The options of one resolver for one table: the values of the
 * {@code conflict.resolver.<schema.table>.<option>} keys (for the default resolver, the
 * {@code conflict.resolver.<option>} keys, which a table using the default resolver inherits).
 * The typed getters name the full key in their errors.
 *
 * <pre>{@code
 * ResolverSettings settings = new ResolverSettings("public.orders", Map.of("sites", "east, west"));
 * settings.list("sites");          // [east, west]
 * settings.optional("column");     // Optional.empty()
 * settings.string("column");       // IllegalArgumentException: conflict.resolver.public.orders.column is required ...
 * }</pre>
 *
 * @param table the schema-qualified table, or empty for the default resolver of tables without their own
 * @param options option name (the key's last part, e.g. {@code sites}) to its value
 */
public record ResolverSettings(String table, Map<String, String> options) {

    private static final String PREFIX = "conflict.resolver.";

    /** Checks and copies; the options are kept in name order. */
    public ResolverSettings {
        if (table == null) {
            throw new IllegalArgumentException("resolver settings table is null: use \"\" for the default resolver");
        }
        if (options == null) {
            throw new IllegalArgumentException("resolver settings options are null: use an empty map");
        }
        options.forEach((option, value) -> {
            if (option == null || option.isBlank() || value == null) {
                throw new IllegalArgumentException("resolver option " + option + " of table '" + table
                        + "' was " + value + ": option names must not be blank and values not null");
            }
        });
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** The settings of the default resolver with no options. */
    public static ResolverSettings none() {
        return new ResolverSettings("", Map.of());
    }

    /** The full configuration key of an option, e.g. {@code conflict.resolver.public.orders.sites}. */
    public String key(String option) {
        return table.isEmpty() ? PREFIX + option : PREFIX + table + "." + option;
    }

    /** The option's trimmed value, if it is set and not blank. */
    public Optional<String> optional(String option) {
        String value = options.get(option);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * The option's trimmed value.
     *
     * @throws IllegalArgumentException naming the key if it is missing or blank
     */
    public String string(String option) {
        return optional(option).orElseThrow(() -> missing(option));
    }

    /**
     * The option as a comma-separated list of trimmed, non-empty entries.
     *
     * @throws IllegalArgumentException naming the key if it is missing or has an empty entry
     */
    public List<String> list(String option) {
        String value = string(option);
        List<String> entries = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException(key(option) + " was '" + value
                        + "', must be a comma-separated list without empty entries, e.g. 'a,b'");
            }
            entries.add(entry);
        }
        return List.copyOf(entries);
    }

    private IllegalArgumentException missing(String option) {
        String alternative = table.isEmpty() ? "" : " (or " + PREFIX + option + " for every table using the default"
                + " resolver)";
        return new IllegalArgumentException(key(option) + " is required by this table's resolver but is not set;"
                + " set it" + alternative);
    }

    @Override
    public String toString() {
        return "ResolverSettings[" + (table.isEmpty() ? "default" : table) + " " + Objects.toString(options) + "]";
    }
}
