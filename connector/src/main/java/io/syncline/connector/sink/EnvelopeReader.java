package io.syncline.connector.sink;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.EnvelopeFormatException;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Reads the change envelope a record carries. A record that is no envelope goes to the dead-letter
 * topic through Connect's errant record reporter and the rest of the batch goes on; without a
 * reporter (errors.tolerance=none) it stops the task, because skipping it silently would lose it.
 */
final class EnvelopeReader {

    private final ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
    private final Supplier<ErrantRecordReporter> reporter;

    /** @param reporter supplies Connect's reporter, which is null when errors are not tolerated */
    EnvelopeReader(Supplier<ErrantRecordReporter> reporter) {
        this.reporter = reporter;
    }

    /**
     * The change of a record, or empty when it could not be read and was set aside.
     *
     * @throws ConnectException when it cannot be read and there is no dead-letter topic
     */
    Optional<ChangeEvent> read(SinkRecord record) {
        return readEnvelope(record).map(ChangeEnvelopeCodec.Envelope::event);
    }

    /**
     * The envelope of a record (its change, and its source transaction when it names one), or
     * empty when it could not be read and was set aside.
     *
     * @throws ConnectException when it cannot be read and there is no dead-letter topic
     */
    Optional<ChangeEnvelopeCodec.Envelope> readEnvelope(SinkRecord record) {
        Object value = record.value();
        try {
            if (!(value instanceof byte[] bytes)) {
                throw new EnvelopeFormatException("record value is " + (value == null ? "null"
                        : value.getClass().getSimpleName()) + ", not the bytes of a change envelope "
                        + "(use value.converter=org.apache.kafka.connect.converters.ByteArrayConverter)");
            }
            return Optional.of(codec.decodeEnvelope(bytes));
        } catch (EnvelopeFormatException e) {
            ErrantRecordReporter errant = reporter.get();
            if (errant == null) {
                throw new ConnectException("record at " + record.topic() + "-" + record.kafkaPartition() + "@"
                        + record.kafkaOffset() + " cannot be read: " + e.getMessage()
                        + "; configure errors.tolerance=all and errors.deadletterqueue.topic.name to set such "
                        + "records aside", e);
            }
            errant.report(record, e);
            return Optional.empty();
        }
    }
}
