package io.syncline.connector.rest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The status of one site as {@code GET /syncline/status} shows it: its Syncline connectors and
 * their tasks, what its database says (stored offsets, applied and conflict counts, the capture's
 * replication slot) and, when its tasks run in this worker, their metrics. {@link #toJson()} gives
 * the JSON shape, which only ever gains fields.
 */
record SiteStatus(String group, String site, List<ConnectorStatus> connectors, DatabaseStatus database,
        Optional<Map<String, Object>> sinkMetrics, Optional<Map<String, Object>> sourceMetrics,
        Optional<List<Map<String, Object>>> keys) {

    static final String RUNNING = "RUNNING";

    SiteStatus {
        connectors = List.copyOf(connectors);
        keys = keys.map(List::copyOf);
    }

    /** Without the generated keys (a site without a source connector, or whose keys could not be read). */
    SiteStatus(String group, String site, List<ConnectorStatus> connectors, DatabaseStatus database,
            Optional<Map<String, Object>> sinkMetrics, Optional<Map<String, Object>> sourceMetrics) {
        this(group, site, connectors, database, sinkMetrics, sourceMetrics, Optional.empty());
    }

    record TaskStatus(int id, String state, String workerId, String trace) {
    }

    record ConnectorStatus(String name, String type, String state, String workerId, String trace,
            List<TaskStatus> tasks) {
        ConnectorStatus {
            tasks = List.copyOf(tasks);
        }

        /** The connector and every task run (a connector without tasks does not count as running). */
        boolean running() {
            return RUNNING.equals(state) && !tasks.isEmpty() && tasks.stream().allMatch(t -> RUNNING.equals(t.state()));
        }
    }

    /** One partition's offset stored in the site's database with the rows it produced. */
    record OffsetStatus(String topic, int partition, Long nextOffset, long epoch, String updatedAt, long ageMillis) {
    }

    /**
     * The capture's replication slot; {@code exists=false} when it is not (yet) created.
     * {@code behindBytes}: WAL written since the capture's confirmed position; {@code retainedBytes}: WAL
     * the slot keeps on the site's disk (from its restart position); {@code walStatus}: PostgreSQL's
     * {@code wal_status} ({@code reserved}, {@code extended}, {@code unreserved}, {@code lost});
     * {@code warnRetainedBytes}: the source connector's {@code wal.warn.retained.mb}, null if unknown.
     */
    record CaptureStatus(String slot, boolean exists, boolean active, String confirmedFlushLsn, Long behindBytes,
            Long retainedBytes, String walStatus, Long warnRetainedBytes) {

        CaptureStatus(String slot, boolean exists, boolean active, String confirmedFlushLsn, Long behindBytes) {
            this(slot, exists, active, confirmedFlushLsn, behindBytes, null, null, null);
        }

        /** What an operator must look at, or null: a lost slot, or more WAL retained than the warning level. */
        String warning() {
            if ("lost".equals(walStatus)) {
                return "replication slot " + slot + " is lost: the server freed WAL the capture still needed "
                        + "(max_slot_wal_keep_size); rejoin the site (README, 'WAL retention')";
            }
            if (retainedBytes != null && warnRetainedBytes != null && retainedBytes > warnRetainedBytes) {
                return "replication slot " + slot + " retains " + (retainedBytes >> 20) + " MiB of WAL (over "
                        + (warnRetainedBytes >> 20) + " MiB)" + (active ? ": the capture is behind"
                        : ": the capture is not reading it (connector stopped?)") + "; the site's disk fills";
            }
            return null;
        }
    }

    /**
     * A MariaDB site's binary log against its capture's position: the capture's file and position
     * (its stored Connect offset; null before its first), the server's current ones, the binlog bytes
     * between them, and whether the capture's file is still on the server ({@code false}: purged,
     * the capture cannot resume from it).
     */
    record BinlogStatus(String captureFile, Long capturePosition, String serverFile, Long serverPosition,
            Long behindBytes, Boolean captureFilePresent, Long warnBehindBytes) {

        String warning() {
            if (Boolean.FALSE.equals(captureFilePresent)) {
                return "binlog file " + captureFile + " the capture resumes from is gone from the server (purged by "
                        + "binlog_expire_logs_seconds or PURGE BINARY LOGS): the capture cannot resume; rejoin the "
                        + "site (README, 'WAL retention')";
            }
            if (behindBytes != null && warnBehindBytes != null && behindBytes > warnBehindBytes) {
                return "the capture is " + (behindBytes >> 20) + " MiB of binlog behind the server (over "
                        + (warnBehindBytes >> 20) + " MiB)";
            }
            return null;
        }
    }

    /**
     * What the site's database says; {@code applied} is null without the apply ledger. An
     * unreachable database has only its address and the error.
     */
    record DatabaseStatus(String address, boolean reachable, String error, Long applied, long conflicts,
            Map<String, Long> conflictsByType, Map<String, Long> conflictsByRule, List<OffsetStatus> offsets,
            CaptureStatus capture, BinlogStatus binlog) {

        static DatabaseStatus reachable(String address, Long applied, long conflicts, Map<String, Long> byType,
                Map<String, Long> byRule, List<OffsetStatus> offsets, CaptureStatus capture) {
            return reachable(address, applied, conflicts, byType, byRule, offsets, capture, null);
        }

        static DatabaseStatus reachable(String address, Long applied, long conflicts, Map<String, Long> byType,
                Map<String, Long> byRule, List<OffsetStatus> offsets, CaptureStatus capture, BinlogStatus binlog) {
            return new DatabaseStatus(address, true, null, applied, conflicts, sorted(byType), sorted(byRule),
                    List.copyOf(offsets), capture, binlog);
        }

        private static Map<String, Long> sorted(Map<String, Long> counts) {
            return Collections.unmodifiableMap(new TreeMap<>(counts));
        }

        static DatabaseStatus unreachable(String address, String error) {
            return new DatabaseStatus(address, false, error, null, 0, Map.of(), Map.of(), List.of(), null, null);
        }

        /** The age of the newest stored offset: how long ago the sink last committed a batch. */
        Long lastAppliedAgeMillis() {
            return offsets.stream().map(OffsetStatus::ageMillis).min(Long::compare).orElse(null);
        }
    }

    /** Every connector and task of the site runs and its database answers. */
    boolean running() {
        return !connectors.isEmpty() && connectors.stream().allMatch(ConnectorStatus::running)
                && database != null && database.reachable();
    }

    /** What needs an operator: a connector or task not RUNNING, an unreachable database, WAL or binlog trouble. */
    List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (ConnectorStatus c : connectors) {
            if (!RUNNING.equals(c.state())) {
                out.add(c.type() + " connector " + c.name() + " is " + c.state());
            }
            for (TaskStatus t : c.tasks()) {
                if (!RUNNING.equals(t.state())) {
                    out.add(c.type() + " task " + c.name() + "/" + t.id() + " is " + t.state()
                            + (t.trace() == null ? "" : ": " + t.trace()));
                }
            }
        }
        if (database != null && !database.reachable()) {
            out.add("database " + database.address() + " does not answer: " + database.error());
        } else if (database != null) {
            if (database.capture() != null && database.capture().warning() != null) {
                out.add(database.capture().warning());
            }
            if (database.binlog() != null && database.binlog().warning() != null) {
                out.add(database.binlog().warning());
            }
        }
        return out;
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("group", group);
        json.put("site", site);
        json.put("running", running());
        json.put("warnings", warnings());
        List<Map<String, Object>> connectorList = new ArrayList<>();
        for (ConnectorStatus c : connectors) {
            Map<String, Object> cj = new LinkedHashMap<>();
            cj.put("name", c.name());
            cj.put("type", c.type());
            cj.put("state", c.state());
            cj.put("workerId", c.workerId());
            if (c.trace() != null) {
                cj.put("trace", c.trace());
            }
            List<Map<String, Object>> tasks = new ArrayList<>();
            for (TaskStatus t : c.tasks()) {
                Map<String, Object> tj = new LinkedHashMap<>();
                tj.put("id", t.id());
                tj.put("state", t.state());
                tj.put("workerId", t.workerId());
                if (t.trace() != null) {
                    tj.put("trace", t.trace());
                }
                tasks.add(tj);
            }
            cj.put("tasks", tasks);
            connectorList.add(cj);
        }
        json.put("connectors", connectorList);
        Map<String, Object> db = new LinkedHashMap<>();
        if (database != null) {
            db.put("address", database.address());
            db.put("reachable", database.reachable());
            if (database.error() != null) {
                db.put("error", database.error());
            }
        }
        json.put("database", db);
        boolean known = database != null && database.reachable();
        Long metricApplied = sinkMetrics.map(m -> (Long) m.get("applied")).orElse(null);
        if (known && database.applied() != null) {
            json.put("applied", database.applied());
            json.put("appliedFrom", "ledger");
        } else if (metricApplied != null) {
            json.put("applied", metricApplied);
            json.put("appliedFrom", "metrics");
        } else {
            json.put("applied", null);
            json.put("appliedFrom", null);
        }
        json.put("conflicts", known ? database.conflicts() : null);
        json.put("conflictsByType", known ? database.conflictsByType() : null);
        json.put("conflictsByRule", known ? database.conflictsByRule() : null);
        json.put("lagMillis", sinkMetrics.map(m -> m.get("lagMillis")).filter(v -> ((Long) v) >= 0).orElse(null));
        json.put("lastAppliedAgeMillis", known ? database.lastAppliedAgeMillis() : null);
        double rate = sinkMetrics.map(m -> (Double) m.get("eventsPerSecond")).orElse(0.0);
        json.put("eventsPerSecond", sinkMetrics.isPresent() ? rate : null);
        List<Map<String, Object>> offsetList = new ArrayList<>();
        if (known) {
            for (OffsetStatus o : database.offsets()) {
                Map<String, Object> oj = new LinkedHashMap<>();
                oj.put("topic", o.topic());
                oj.put("partition", o.partition());
                oj.put("nextOffset", o.nextOffset());
                oj.put("epoch", o.epoch());
                oj.put("updatedAt", o.updatedAt());
                oj.put("ageMillis", o.ageMillis());
                offsetList.add(oj);
            }
        }
        json.put("offsets", offsetList);
        if (known && database.capture() != null) {
            CaptureStatus cap = database.capture();
            Map<String, Object> capture = new LinkedHashMap<>();
            capture.put("slot", cap.slot());
            capture.put("exists", cap.exists());
            capture.put("active", cap.active());
            capture.put("confirmedFlushLsn", cap.confirmedFlushLsn());
            capture.put("behindBytes", cap.behindBytes());
            capture.put("retainedBytes", cap.retainedBytes());
            capture.put("walStatus", cap.walStatus());
            capture.put("warnRetainedBytes", cap.warnRetainedBytes());
            capture.put("warning", cap.warning());
            json.put("capture", capture);
        } else {
            json.put("capture", null);
        }
        if (known && database.binlog() != null) {
            BinlogStatus log = database.binlog();
            Map<String, Object> binlog = new LinkedHashMap<>();
            binlog.put("captureFile", log.captureFile());
            binlog.put("capturePosition", log.capturePosition());
            binlog.put("serverFile", log.serverFile());
            binlog.put("serverPosition", log.serverPosition());
            binlog.put("behindBytes", log.behindBytes());
            binlog.put("captureFilePresent", log.captureFilePresent());
            binlog.put("warning", log.warning());
            json.put("binlog", binlog);
        } else {
            json.put("binlog", null);
        }
        json.put("keys", known ? keys.orElse(null) : null);
        Map<String, Object> metrics = new LinkedHashMap<>();
        sourceMetrics.ifPresent(m -> metrics.put("source", m));
        sinkMetrics.ifPresent(m -> metrics.put("sink", m));
        json.put("metrics", metrics);
        return json;
    }
}
