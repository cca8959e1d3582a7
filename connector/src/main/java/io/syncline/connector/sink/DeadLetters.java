package io.syncline.connector.sink;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.apply.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the changes a site refused to the dead-letter topic with their reason, through Connect's
 * errant record reporter, and waits until the topic has them: only then may the batch (and their
 * offsets) commit. Without a reporter nothing can be set aside, and the batch fails whole.
 */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final SiteId self;
    private final Supplier<ErrantRecordReporter> reporter;
    private long count;

    /** @param reporter supplies Connect's reporter, which is null when errors are not tolerated */
    DeadLetters(SiteId self, Supplier<ErrantRecordReporter> reporter) {
        this.self = self;
        this.reporter = reporter;
    }

    /**
     * Sets the refused changes aside, each with the record that carried it.
     *
     * @throws ConnectException when there is no dead-letter topic (nothing of the batch may be written)
     * @throws RetriableException when the topic did not take a change (the batch is retried)
     */
    void setAside(List<Rejection> rejected, Function<ChangeEvent, SinkRecord> sources) {
        ErrantRecordReporter errant = reporter.get();
        if (errant == null) {
            Rejection first = rejected.get(0);
            throw new ConnectException("site " + self + " refused " + rejected.size() + " change(s), e.g. "
                    + first.event().table() + " key " + first.event().key() + ": " + first.reason()
                    + "; nothing of the batch was written. Configure errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name to set such changes aside and keep applying the rest");
        }
        List<Future<Void>> sent = new ArrayList<>();
        for (Rejection r : rejected) {
            LOG.warn("Site {} refused the change of {} with dot {}; it goes to the dead-letter topic: {}", self,
                    r.event().table(), r.event().dot(), r.reason());
            // Connect's error context headers carry the original position and this message: the site,
            // the table, the change's dot and the database's reason (never the row's values).
            sent.add(errant.report(rowKeyed(sources.apply(r.event()), r.event()),
                    new DataException("site " + self + " refused the change of " + r.event().table() + " with dot "
                            + r.event().dot() + ": " + r.reason())));
        }
        for (Future<Void> f : sent) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while setting refused changes aside; the batch will be "
                        + "retried", e);
            } catch (ExecutionException e) {
                throw new RetriableException("the dead-letter topic did not take a refused change ("
                        + e.getCause().getMessage() + "); the batch will be retried", e);
            }
        }
        count += rejected.size();
    }

    /**
     * The record as the dead-letter topic gets it: keyed by the row ({@code table/key}), whatever
     * the changes topic is keyed by (the origin site), so refused changes can be found by row.
     */
    static SinkRecord rowKeyed(SinkRecord record, ChangeEvent event) {
        return new SinkRecord(record.topic(), record.kafkaPartition(), Schema.STRING_SCHEMA,
                event.table() + "/" + event.key(), record.valueSchema(), record.value(), record.kafkaOffset(),
                record.timestamp(), record.timestampType(), record.headers());
    }

    /** How many changes this task set aside so far. */
    long count() {
        return count;
    }
}
