package io.syncline.connector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void anObservationCountsInItsBucketAndEveryLargerOne() {
        Histogram histogram = new Histogram(0.01, 0.1, 1);
        histogram.observe(0.01); // a bound is inclusive
        histogram.observe(0.05);
        histogram.observe(7);

        assertThat(histogram.cumulativeBuckets()).containsExactly(
                org.assertj.core.api.Assertions.entry("0.01", 1L),
                org.assertj.core.api.Assertions.entry("0.1", 2L),
                org.assertj.core.api.Assertions.entry("1", 2L),
                org.assertj.core.api.Assertions.entry("+Inf", 3L));
        assertThat(histogram.count()).isEqualTo(3);
        assertThat(histogram.sum()).isEqualTo(7.06, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void boundsMustAscend() {
        assertThatThrownBy(() -> new Histogram(1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascend");
        assertThatThrownBy(Histogram::new).isInstanceOf(IllegalArgumentException.class);
    }
}
