package io.syncline.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResolverSettingsTest {

    private final ResolverSettings orders = new ResolverSettings("public.orders",
            Map.of("sites", " east , west ", "column", " total ", "blank", "  ", "broken", "a,,b"));

    @Test
    void typedGettersTrimAndSplit() {
        assertThat(orders.list("sites")).containsExactly("east", "west");
        assertThat(orders.string("column")).isEqualTo("total");
        assertThat(orders.optional("column")).contains("total");
        assertThat(orders.optional("blank")).isEqualTo(Optional.empty());
        assertThat(orders.optional("absent")).isEmpty();
    }

    @Test
    void errorsNameTheFullKey() {
        assertThat(orders.key("sites")).isEqualTo("conflict.resolver.public.orders.sites");
        assertThat(ResolverSettings.none().key("sites")).isEqualTo("conflict.resolver.sites");
        assertThatThrownBy(() -> orders.string("absent"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("conflict.resolver.public.orders.absent is required");
        assertThatThrownBy(() -> orders.list("blank"))
                .hasMessageStartingWith("conflict.resolver.public.orders.blank is required");
        assertThatThrownBy(() -> orders.list("broken"))
                .hasMessage("conflict.resolver.public.orders.broken was 'a,,b', must be a comma-separated list"
                        + " without empty entries, e.g. 'a,b'");
    }

    @Test
    void isAnImmutableValue() {
        HashMap<String, String> options = new HashMap<>(Map.of("sites", "a"));
        ResolverSettings settings = new ResolverSettings("public.t", options);
        options.put("sites", "b");
        assertThat(settings.string("sites")).isEqualTo("a");
        assertThat(settings).isEqualTo(new ResolverSettings("public.t", Map.of("sites", "a")));
        assertThatThrownBy(() -> settings.options().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new ResolverSettings(null, Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
