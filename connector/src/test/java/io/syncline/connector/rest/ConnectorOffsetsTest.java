package io.syncline.connector.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorOffsetsTest {

    @Test
    void readsTheBinlogFileAndPositionOfAMariaDbCaptureOffset() {
        String body = "{\"offsets\":[{\"partition\":{\"server\":\"shop.c\"},\"offset\":{\"ts_sec\":1765,"
                + "\"file\":\"mariadb-bin.000002\",\"pos\":4711,\"gtids\":\"0-3-12\"}}]}";

        assertThat(ConnectorOffsets.parse(body))
                .contains(new ConnectorOffsets.BinlogPosition("mariadb-bin.000002", 4711));
        assertThat(ConnectorOffsets.parse("{\"offsets\":[]}")).isEmpty();
    }

    @Test
    void theWorkersOwnUrlComesFromItsFirstHttpListener() {
        assertThat(ConnectorOffsets.workerUrl(null)).isEqualTo(URI.create("http://127.0.0.1:8083"));
        assertThat(ConnectorOffsets.workerUrl("http://0.0.0.0:18083")).isEqualTo(URI.create("http://127.0.0.1:18083"));
        assertThat(ConnectorOffsets.workerUrl("https://h:1,http://10.0.0.5:8084"))
                .isEqualTo(URI.create("http://10.0.0.5:8084"));
        assertThat(ConnectorOffsets.workerUrl("https://h:1")).isNull();
    }

    @Test
    void theBinlogDistanceIsTheRestOfTheCapturesFileAndEveryLaterOne() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("bin.000001", 1_000L);
        sizes.put("bin.000002", 2_000L);
        sizes.put("bin.000003", 500L);

        assertThat(SiteDatabase.binlogBehind(sizes, new ConnectorOffsets.BinlogPosition("bin.000002", 1_500),
                "bin.000003", 700L)).isEqualTo(500 + 700);
        assertThat(SiteDatabase.binlogBehind(sizes, new ConnectorOffsets.BinlogPosition("bin.000003", 700),
                "bin.000003", 700L)).isZero();
    }
}
