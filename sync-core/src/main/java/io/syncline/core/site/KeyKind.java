package io.syncline.core.site;

import java.util.Locale;

/**
 * How a site makes the values of its generated keys (sequences behind {@code serial},
 * {@code bigserial} and identity columns, MariaDB {@code AUTO_INCREMENT}) unique across the mesh.
 *
 * <pre>{@code
 * KeyKind kind = KeyKind.of("interleaved");
 * }</pre>
 */
public enum KeyKind {

    /**
     * Every site's sequences step by the mesh's step and start at the site's own slot: site 3 of
     * step 16 yields 3, 19, 35, ... No coordinator is needed; a site never runs out.
     */
    INTERLEAVED,
    /**
     * Every sequence is bounded to a block of values the coordinator handed this site
     * ({@code MINVALUE start MAXVALUE end}, increment 1), and moved to the next block in the
     * background before it runs out. PostgreSQL only (MariaDB's AUTO_INCREMENT cannot be bounded).
     */
    COORDINATOR_BLOCKS,
    /** Sequences are left as they are: the application makes its keys unique itself. */
    NONE;

    /** The name used in configuration: {@code interleaved}, {@code coordinator-blocks}, {@code none}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The kind of a configuration name.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static KeyKind of(String name) {
        for (KeyKind kind : values()) {
            if (kind.configName().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("keys.kind was '" + name + "', must be interleaved, coordinator-blocks or none");
    }
}
