package io.syncline.conflict;

import io.syncline.core.apply.ConflictArbiter;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Resolution;
import io.syncline.core.apply.RowState;
import io.syncline.core.site.TableRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The conflict resolver of every synced table, read from the {@code conflict.resolver} keys, and
 * the {@link ConflictArbiter} the applier calls. Keys:
 *
 * <ul>
 *   <li>{@code conflict.resolver}: the default resolver (default {@code last-writer-wins});
 *   <li>{@code conflict.resolver.<option>}: an option of the default resolver, inherited by every
 *       table that uses the default;
 *   <li>{@code conflict.resolver.<schema.table>}: the table's own resolver (it then gets only its own options);
 *   <li>{@code conflict.resolver.<schema.table>.<option>}: an option for that table.
 * </ul>
 *
 * Table keys are told from option keys by the list of synced tables. Everything is checked at once
 * and every problem reported in one {@link IllegalArgumentException}. A table that is not in the
 * list gets the default resolver.
 *
 * <p>{@link #resolve} merges the two versions with the table's resolver, sets the result's vector
 * to the join of both, and names the winner: {@code LOCAL} or {@code INCOMING} when the result is
 * that side's write with that side's columns, else {@code MERGED}.
 *
 * <pre>{@code
 * ResolverRegistry registry = ResolverRegistry.from(Map.of(
 *         "conflict.resolver", "site-priority",
 *         "conflict.resolver.sites", "east,west",
 *         "conflict.resolver.public.stock", "delta",
 *         "conflict.resolver.public.stock.columns", "qty"),
 *     List.of("public.orders", "public.stock"));
 * Resolution r = registry.resolve("public.stock", ConflictType.of(local, incoming), local, incoming);
 * }</pre>
 */
public final class ResolverRegistry implements ConflictArbiter {

    /** The key of the default resolver, and the prefix of every other resolver key. */
    public static final String KEY = "conflict.resolver";

    /** The default resolver when {@link #KEY} is not set. */
    public static final String DEFAULT_RESOLVER = LastWriterWins.NAME;

    private final Map<String, ConflictResolver> byTable;
    private final ConflictResolver fallback;
    private final String fallbackProblem;
    private final DecisionLog decisions;

    private ResolverRegistry(Map<String, ConflictResolver> byTable, ConflictResolver fallback,
            String fallbackProblem) {
        this(byTable, fallback, fallbackProblem, null);
    }

    private ResolverRegistry(Map<String, ConflictResolver> byTable, ConflictResolver fallback,
            String fallbackProblem, DecisionLog decisions) {
        this.byTable = Map.copyOf(byTable);
        this.fallback = fallback;
        this.fallbackProblem = fallbackProblem;
        this.decisions = decisions;
    }

    /** The same resolvers; those that need coordination decide through {@code log}. */
    public ResolverRegistry withDecisions(DecisionLog log) {
        return new ResolverRegistry(byTable, fallback, fallbackProblem, Objects.requireNonNull(log, "log"));
    }

    /** The names of the built-in resolvers, e.g. {@code last-writer-wins}. */
    public static List<String> builtInNames() {
        return BuiltIn.names();
    }

    /**
     * Reads the resolvers of the tables from the settings; keys not starting with
     * {@code conflict.resolver} are ignored.
     *
     * @param settings configuration keys to values, e.g. {@code conflict.resolver.public.orders=delete-wins}
     * @param tables the synced tables, {@code schema.table} (a bare name means schema {@code public})
     * @throws IllegalArgumentException listing every problem, each naming its key
     */
    public static ResolverRegistry from(Map<String, String> settings, List<String> tables) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(tables, "tables");
        Set<String> problems = new LinkedHashSet<>();
        List<String> synced = tables.stream().map(t -> TableRef.parse(t).toString()).distinct().toList();
        List<String> longestFirst = synced.stream()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();

        String defaultName = settings.getOrDefault(KEY, DEFAULT_RESOLVER).trim();
        if (defaultName.isEmpty()) {
            problems.add(KEY + " was '', must name a resolver: " + String.join(", ", BuiltIn.names())
                    + " or a class name");
            defaultName = DEFAULT_RESOLVER;
        }
        Map<String, String> tableNames = new TreeMap<>();
        Map<String, Map<String, String>> tableOptions = new TreeMap<>();
        Map<String, String> groupOptions = new TreeMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(settings).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue() == null ? "" : entry.getValue();
            if (!key.startsWith(KEY + ".")) {
                continue;
            }
            String rest = key.substring(KEY.length() + 1);
            Optional<String> table = longestFirst.stream()
                    .filter(t -> rest.equals(t) || rest.startsWith(t + ".")).findFirst();
            if (table.isPresent() && rest.length() == table.get().length()) {
                if (value.isBlank()) {
                    problems.add(key + " was '', must name a resolver: " + String.join(", ", BuiltIn.names())
                            + " or a class name");
                } else {
                    tableNames.put(table.get(), value.trim());
                }
            } else if (table.isPresent() && rest.length() > table.get().length() + 1) {
                tableOptions.computeIfAbsent(table.get(), t -> new TreeMap<>())
                        .put(rest.substring(table.get().length() + 1), value);
            } else if (table.isPresent() || rest.isEmpty() || rest.contains(".")) {
                problems.add(key + " names no synced table (tables: " + (synced.isEmpty() ? "none" : String.join(", ",
                        synced)) + "); per-table keys are " + KEY + ".<schema.table> and " + KEY
                        + ".<schema.table>.<option>");
            } else {
                groupOptions.put(rest, value);
            }
        }

        Map<String, ConflictResolver> byTable = new LinkedHashMap<>();
        for (String table : synced) {
            boolean own = tableNames.containsKey(table);
            String name = own ? tableNames.get(table) : defaultName;
            Map<String, String> ownOptions = tableOptions.getOrDefault(table, Map.of());
            Map<String, String> options = new TreeMap<>(own ? Map.of() : groupOptions);
            options.putAll(ownOptions);
            ConflictResolver resolver = create(name, own ? KEY + "." + table : KEY, problems);
            if (resolver != null) {
                checkOptions(name, new ResolverSettings(table, ownOptions), problems);
                configure(resolver, new ResolverSettings(table, options), problems);
                byTable.put(table, resolver);
            }
        }

        // The default also serves tables missing from the list; if only its options are incomplete
        // and every listed table is configured, that is reported when such a table shows up.
        ConflictResolver fallback = create(defaultName, KEY, problems);
        String fallbackProblem = null;
        if (fallback != null) {
            ResolverSettings groupSettings = new ResolverSettings("", groupOptions);
            checkOptions(defaultName, groupSettings, problems);
            Set<String> optionProblems = new LinkedHashSet<>();
            configure(fallback, groupSettings, optionProblems);
            if (!optionProblems.isEmpty()) {
                if (synced.isEmpty()) {
                    problems.addAll(optionProblems);
                }
                fallback = null;
                fallbackProblem = String.join("; ", optionProblems);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("conflict resolver configuration is invalid: "
                    + String.join("; ", problems));
        }
        return new ResolverRegistry(byTable, fallback, fallbackProblem);
    }

    private static ConflictResolver create(String name, String key, Set<String> problems) {
        try {
            return ResolverLoader.create(name, key);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static void configure(ConflictResolver resolver, ResolverSettings settings, Set<String> problems) {
        try {
            resolver.configure(settings);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    /** Built-ins know their options, so a misspelt one is reported instead of silently ignored. */
    private static void checkOptions(String name, ResolverSettings settings, Set<String> problems) {
        BuiltIn.named(name).ifPresent(builtIn -> {
            for (String option : settings.options().keySet()) {
                if (!builtIn.options().contains(option)) {
                    problems.add(settings.key(option) + " is not an option of resolver " + name + " ("
                            + (builtIn.options().isEmpty() ? "it has none"
                                    : "its options: " + String.join(", ", new TreeSet<>(builtIn.options())))
                            + "); per-table keys are schema-qualified, e.g. " + KEY + ".public.orders");
                }
            }
        });
    }

    /**
     * The resolver of a table; the default one for a table not in the list.
     *
     * @throws IllegalStateException if the table is not listed and the default resolver lacks an option
     */
    public ConflictResolver resolverFor(String table) {
        ConflictResolver resolver = byTable.get(table);
        if (resolver != null) {
            return resolver;
        }
        if (fallback == null) {
            throw new IllegalStateException("table " + table + " is not among the synced tables and the default"
                    + " resolver cannot serve it: " + fallbackProblem);
        }
        return fallback;
    }

    @Override
    public Resolution resolve(String table, ConflictType type, RowState local, RowState incoming) {
        ConflictResolver resolver = resolverFor(table);
        RowState merged = resolver.merge(local, incoming);
        if (merged == null) {
            throw new IllegalStateException("resolver " + resolver.name() + " returned no version for a " + type.label()
                    + " conflict on " + table);
        }
        if (resolver.needsCoordination()) {
            return coordinated(resolver, table, type, local, incoming, merged);
        }
        RowState result = merged.withVv(local.vv().join(incoming.vv()));
        Resolution.Winner winner = merged.sameWrite(local) ? Resolution.Winner.LOCAL
                : merged.sameWrite(incoming) ? Resolution.Winner.INCOMING : Resolution.Winner.MERGED;
        return new Resolution(result, winner, resolver.name());
    }

    /**
     * The conflict between two writes is named by the table and both dots (each names one write
     * everywhere), so every site asks the decision log the same question and applies its answer.
     */
    private Resolution coordinated(ConflictResolver resolver, String table, ConflictType type, RowState local,
            RowState incoming, RowState merged) {
        if (decisions == null) {
            throw new IllegalStateException("resolver " + resolver.name() + " of " + table + " needs coordination, "
                    + "but this sink has no coordinator; set coordinator.peers");
        }
        String localDot = local.origin() + ":" + local.sequence();
        String incomingDot = incoming.origin() + ":" + incoming.sequence();
        String key = table + "|" + (localDot.compareTo(incomingDot) < 0 ? localDot + "|" + incomingDot
                : incomingDot + "|" + localDot);
        String proposal = merged.sameWrite(incoming) ? incomingDot : localDot;
        String decided = decisions.decide(key, proposal);
        boolean incomingChosen = decided.equals(incomingDot);
        if (!incomingChosen && !decided.equals(localDot)) {
            throw new IllegalStateException("the coordinator decided " + decided + " for the " + type.label()
                    + " conflict " + key + ", which names neither version");
        }
        RowState chosen = incomingChosen ? incoming : local;
        return new Resolution(chosen.withVv(local.vv().join(incoming.vv())),
                incomingChosen ? Resolution.Winner.INCOMING : Resolution.Winner.LOCAL, resolver.name() + " (coordinated)");
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("default=" + (fallback == null ? "unusable" : fallback.name()));
        new TreeMap<>(byTable).forEach((table, resolver) -> parts.add(table + "=" + resolver.name()));
        return "ResolverRegistry[" + String.join(", ", parts) + "]";
    }
}
