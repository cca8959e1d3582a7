package io.syncline.core;

import io.syncline.core.apply.MetaJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Writes and reads {@link ChangeEvent}s as Avro single-object encoded {@code ChangeEnvelope}
 * records (a 2-byte marker, the schema's 8-byte fingerprint, then the binary datum). The
 * schema is the classpath resource {@value #SCHEMA_RESOURCE}, parsed once.
 *
 * <p>The codec is thread-safe; share one instance.
 *
 * <pre>{@code
 * ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
 * byte[] bytes = codec.encode(event);
 * ChangeEvent same = codec.decode(bytes);    // equals event
 * codec.decode(new byte[] {1, 2, 3});        // EnvelopeFormatException
 * }</pre>
 */
public final class ChangeEnvelopeCodec {

    /** The envelope format version written into every envelope. */
    public static final int FORMAT_VERSION = 2;

    /** The previous format (no transaction field), still read so that a mesh upgrades in place. */
    public static final int FORMAT_VERSION_1 = 1;

    /** Classpath location of the envelope's Avro schema. */
    public static final String SCHEMA_RESOURCE = "/io/syncline/core/change-envelope.avsc";

    /** Classpath location of the version 1 schema, kept to read envelopes written before the upgrade. */
    public static final String SCHEMA_V1_RESOURCE = "/io/syncline/core/change-envelope-v1.avsc";

    private static final Schema SCHEMA = loadSchema(SCHEMA_RESOURCE);
    private static final Schema SCHEMA_V1 = loadSchema(SCHEMA_V1_RESOURCE);
    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(SCHEMA);
    private static final long FINGERPRINT_V1 = SchemaNormalization.parsingFingerprint64(SCHEMA_V1);
    /** The single-object header: 2 marker bytes and the 8-byte little-endian schema fingerprint. */
    private static final int HEADER_LENGTH = 10;
    private static final Schema COLUMN = SCHEMA.getField("columns").schema().getElementType();
    private static final Schema OP = SCHEMA.getField("op").schema();
    private static final Schema VALUE = COLUMN.getField("value").schema();
    private static final int UPSERT_INDEX = OP.getEnumOrdinal("UPSERT");
    private static final int DELETE_INDEX = OP.getEnumOrdinal("DELETE");
    private static final int NULL_BRANCH = VALUE.getIndexNamed("null");

    /** The column value kinds, by the name of their record in the value union. */
    private enum Kind {
        INTEGER("IntegerValue"), DECIMAL("DecimalValue"), FLOAT("FloatValue"), BOOLEAN("BooleanValue"),
        TEXT("TextValue"), BYTES("BytesValue"), DATE("DateValue"), TIME("TimeValue"), TIMESTAMP("TimestampValue"),
        TIMESTAMP_TZ("TimestampTzValue"), UUID("UuidValue"), JSON("JsonValue");

        private final String record;

        Kind(String record) {
            this.record = record;
        }
    }

    /** The kind of each branch of the value union, by its index; null for the null branch. */
    private static final Kind[] KINDS = kinds();

    private final BinaryMessageDecoder<GenericRecord> decoder;

    /** Creates a codec for the current envelope schema. */
    public ChangeEnvelopeCodec() {
        // A private model: conversions registered on the shared GenericData.get() cannot change our datums.
        GenericData model = new GenericData();
        this.decoder = new BinaryMessageDecoder<>(model, SCHEMA);
        this.decoder.addSchema(SCHEMA_V1);
    }

    /**
     * A decoded envelope: the change event and, for envelopes written since version 2 by a capture
     * that knew it, the source transaction the event belongs to.
     */
    public record Envelope(ChangeEvent event, Optional<SourceTransaction> transaction) {

        /** Checks the parts. */
        public Envelope {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(transaction, "transaction");
        }
    }

    /** Returns the envelope's Avro schema (the one in {@value #SCHEMA_RESOURCE}). */
    public static Schema schema() {
        return SCHEMA;
    }

    /**
     * Returns the event as single-object encoded Avro bytes. Written field by field in the schema's
     * order with Avro's binary encoder (no generic records on the hot path); the bytes are those
     * Avro's generic writer produces for the same envelope (ChangeEnvelopeCodecTest compares them).
     */
    public byte[] encode(ChangeEvent event) {
        return encode(event, null);
    }

    /**
     * Returns the event, as part of the source transaction {@code transaction} (null for none), as
     * single-object encoded Avro bytes; see {@link #encode(ChangeEvent)}.
     */
    public byte[] encode(ChangeEvent event, SourceTransaction transaction) {
        if (event == null) {
            throw new IllegalArgumentException("change event is null: nothing to encode");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(0xC3);
        bytes.write(0x01);
        for (int i = 0; i < 8; i++) {
            bytes.write((int) (FINGERPRINT >>> (8 * i)));
        }
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            out.writeInt(FORMAT_VERSION);
            out.writeString(event.table());
            out.writeString(event.key());
            out.writeEnum(event.op() == ChangeEvent.Op.UPSERT ? UPSERT_INDEX : DELETE_INDEX);
            out.writeArrayStart();
            out.setItemCount(event.keyColumns().size());
            for (String column : event.keyColumns()) {
                out.startItem();
                out.writeString(column);
            }
            out.writeArrayEnd();
            out.writeArrayStart();
            out.setItemCount(event.columns().size());
            for (Map.Entry<String, ColumnValue> entry : event.columns().entrySet()) {
                out.startItem();
                out.writeString(entry.getKey());
                writeValue(out, entry.getValue());
            }
            out.writeArrayEnd();
            out.writeArrayStart();
            out.setItemCount(event.vv().entries().size());
            for (Map.Entry<SiteId, Long> entry : event.vv().entries().entrySet()) {
                out.startItem();
                out.writeString(entry.getKey().value());
                out.writeLong(entry.getValue());
            }
            out.writeArrayEnd();
            out.writeString(event.dot().origin().value());
            out.writeLong(event.dot().sequence());
            out.writeLong(event.hlc());
            out.writeLong(event.commitTimeMicros());
            out.writeString(event.sourcePosition());
            writeOptionalString(out, MetaJson.stamps(event.columnStamps()));
            writeOptionalString(out, MetaJson.counters(event.counters()));
            writeTransaction(out, transaction);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode " + event.table() + "[" + event.key() + "]", e);
        }
        return bytes.toByteArray();
    }

    private static void writeTransaction(BinaryEncoder out, SourceTransaction transaction) throws IOException {
        if (transaction == null) {
            out.writeIndex(0);
            return;
        }
        out.writeIndex(1);
        out.writeString(transaction.id());
        out.writeInt(transaction.index());
        out.writeBoolean(transaction.last());
        out.writeArrayStart();
        out.setItemCount(transaction.dependencies().size());
        for (Map.Entry<Integer, Long> entry : transaction.dependencies().entrySet()) {
            out.startItem();
            out.writeInt(entry.getKey());
            out.writeLong(entry.getValue());
        }
        out.writeArrayEnd();
    }

    private static void writeOptionalString(BinaryEncoder out, String value) throws IOException {
        if (value == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeString(value);
        }
    }

    private static void writeValue(BinaryEncoder out, ColumnValue value) throws IOException {
        if (value instanceof ColumnValue.NullValue) {
            out.writeIndex(NULL_BRANCH);
        } else if (value instanceof ColumnValue.IntegerValue v) {
            out.writeIndex(branchIndex(Kind.INTEGER));
            out.writeLong(v.value());
        } else if (value instanceof ColumnValue.DecimalValue v) {
            out.writeIndex(branchIndex(Kind.DECIMAL));
            out.writeBytes(v.value().unscaledValue().toByteArray());
            out.writeInt(v.value().scale());
        } else if (value instanceof ColumnValue.FloatValue v) {
            out.writeIndex(branchIndex(Kind.FLOAT));
            out.writeDouble(v.value());
        } else if (value instanceof ColumnValue.BooleanValue v) {
            out.writeIndex(branchIndex(Kind.BOOLEAN));
            out.writeBoolean(v.value());
        } else if (value instanceof ColumnValue.TextValue v) {
            out.writeIndex(branchIndex(Kind.TEXT));
            out.writeString(v.value());
        } else if (value instanceof ColumnValue.BytesValue v) {
            out.writeIndex(branchIndex(Kind.BYTES));
            out.writeBytes(v.value());
        } else if (value instanceof ColumnValue.DateValue v) {
            out.writeIndex(branchIndex(Kind.DATE));
            out.writeInt(v.epochDay());
        } else if (value instanceof ColumnValue.TimeValue v) {
            out.writeIndex(branchIndex(Kind.TIME));
            out.writeLong(v.microsOfDay());
        } else if (value instanceof ColumnValue.TimestampValue v) {
            out.writeIndex(branchIndex(Kind.TIMESTAMP));
            out.writeLong(v.epochMicros());
        } else if (value instanceof ColumnValue.TimestampTzValue v) {
            out.writeIndex(branchIndex(Kind.TIMESTAMP_TZ));
            out.writeLong(v.epochMicros());
        } else if (value instanceof ColumnValue.UuidValue v) {
            out.writeIndex(branchIndex(Kind.UUID));
            UUID uuid = v.value();
            out.writeFixed(ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits()).array());
        } else if (value instanceof ColumnValue.JsonValue v) {
            out.writeIndex(branchIndex(Kind.JSON));
            out.writeString(v.value());
        } else {
            throw new IllegalStateException("no envelope form for column value kind " + value.getClass().getName());
        }
    }

    /**
     * Reads an event from single-object encoded Avro bytes.
     *
     * @throws EnvelopeFormatException if the bytes are not a complete, valid change envelope
     */
    public ChangeEvent decode(byte[] bytes) {
        return decodeEnvelope(bytes).event();
    }

    /**
     * Reads an envelope, of the current format or of version 1, from single-object encoded Avro bytes.
     *
     * @throws EnvelopeFormatException if the bytes are not a complete, valid change envelope
     */
    public Envelope decodeEnvelope(byte[] bytes) {
        if (bytes == null) {
            throw new EnvelopeFormatException("record is null (a tombstone?), not a Syncline change envelope");
        }
        Schema schema = schemaOf(bytes);
        if (schema == null) {
            read(bytes); // Avro's own reader says what the bytes are instead
            throw new EnvelopeFormatException("record is not a Syncline change envelope");
        }
        // Every length is bounded by the bytes really present, and the union and enum indexes are
        // valid, before anything is allocated; then the fields are read in the schema's order.
        checkBody(bytes, schema);
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        try {
            int version = in.readInt();
            int expected = schema == SCHEMA ? FORMAT_VERSION : FORMAT_VERSION_1;
            if (version != expected) {
                throw new EnvelopeFormatException("change envelope has format version " + version + ", this Syncline "
                        + "reads " + expected + " with that schema; upgrade this site to the writer's version");
            }
            ChangeEvent event = readEvent(in);
            Optional<SourceTransaction> transaction = schema == SCHEMA ? readTransaction(in) : Optional.empty();
            return new Envelope(event, transaction);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeFormatException("change envelope holds an invalid event: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof EnvelopeFormatException format) {
                throw format;
            }
            throw corrupt(e);
        }
    }

    private static ChangeEvent readEvent(BinaryDecoder in) throws IOException {
        String table = in.readString();
        String key = in.readString();
        int opIndex = in.readEnum();
        ChangeEvent.Op op = opIndex == UPSERT_INDEX ? ChangeEvent.Op.UPSERT : ChangeEvent.Op.DELETE;
        List<String> keyColumns = new ArrayList<>(2);
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                keyColumns.add(in.readString());
            }
        }
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                String name = in.readString();
                if (columns.put(name, readValue(in)) != null) {
                    throw new IllegalArgumentException("column '" + name + "' appears twice in " + table + "[" + key
                            + "]");
                }
            }
        }
        Map<SiteId, Long> vv = new LinkedHashMap<>();
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                vv.put(SiteId.of(in.readString()), in.readLong());
            }
        }
        Dot dot = new Dot(SiteId.of(in.readString()), in.readLong());
        long hlc = in.readLong();
        long commitTime = in.readLong();
        String sourcePosition = in.readString();
        String stamps = in.readIndex() == 0 ? null : in.readString();
        String counters = in.readIndex() == 0 ? null : in.readString();
        return new ChangeEvent(table, key, op, keyColumns, columns, VersionVector.of(vv), dot, hlc, commitTime,
                sourcePosition, stamps == null ? Map.of() : MetaJson.parseStamps(stamps),
                counters == null ? Map.of() : MetaJson.parseCounters(counters));
    }

    private static Optional<SourceTransaction> readTransaction(BinaryDecoder in) throws IOException {
        if (in.readIndex() == 0) {
            return Optional.empty();
        }
        String id = in.readString();
        int index = in.readInt();
        boolean last = in.readBoolean();
        Map<Integer, Long> dependencies = new LinkedHashMap<>();
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                int partition = in.readInt();
                if (dependencies.put(partition, in.readLong()) != null) {
                    throw new IllegalArgumentException("partition " + partition + " appears twice in the dependencies"
                            + " of source transaction " + id);
                }
            }
        }
        return Optional.of(new SourceTransaction(id, index, last, dependencies));
    }

    private static ColumnValue readValue(BinaryDecoder in) throws IOException {
        int index = in.readIndex();
        if (index == NULL_BRANCH) {
            return ColumnValue.NULL;
        }
        switch (KINDS[index]) {
            case INTEGER:
                return new ColumnValue.IntegerValue(in.readLong());
            case DECIMAL:
                byte[] unscaled = in.readBytes(null).array();
                int scale = in.readInt();
                if (unscaled.length == 0) {
                    throw new IllegalArgumentException("decimal value has no unscaled bytes");
                }
                return new ColumnValue.DecimalValue(new BigDecimal(new BigInteger(unscaled), scale));
            case FLOAT:
                return new ColumnValue.FloatValue(in.readDouble());
            case BOOLEAN:
                return new ColumnValue.BooleanValue(in.readBoolean());
            case TEXT:
                return new ColumnValue.TextValue(in.readString());
            case BYTES:
                return new ColumnValue.BytesValue(in.readBytes(null).array());
            case DATE:
                return new ColumnValue.DateValue(LocalDate.ofEpochDay(in.readInt()));
            case TIME:
                return new ColumnValue.TimeValue(in.readLong());
            case TIMESTAMP:
                return ColumnValue.TimestampValue.ofEpochMicros(in.readLong());
            case TIMESTAMP_TZ:
                return ColumnValue.TimestampTzValue.ofEpochMicros(in.readLong());
            case UUID:
                byte[] uuid = new byte[16];
                in.readFixed(uuid);
                ByteBuffer buffer = ByteBuffer.wrap(uuid);
                return new ColumnValue.UuidValue(new UUID(buffer.getLong(), buffer.getLong()));
            case JSON:
                return new ColumnValue.JsonValue(in.readString());
            default:
                throw new IllegalArgumentException("unknown column value kind at union index " + index);
        }
    }

    private GenericRecord read(byte[] bytes) {
        Schema schema = schemaOf(bytes);
        if (schema != null) {
            checkBody(bytes, schema);
        }
        try {
            return decoder.decode(bytes);
        } catch (BadHeaderException e) {
            throw new EnvelopeFormatException("record is not a Syncline change envelope: " + e.getMessage()
                    + " (expected the Avro single-object marker 0xC3 0x01)", e);
        } catch (MissingSchemaException e) {
            throw new EnvelopeFormatException("record is not a Syncline change envelope this version can read: "
                    + e.getMessage() + "; it may come from another product or a newer Syncline", e);
        } catch (IOException | RuntimeException e) {
            // Corrupt data fails inside Avro in many ways (EOF, bad lengths, bad union or enum indexes).
            throw corrupt(e);
        }
    }

    /** The schema the bytes were written with, of the formats this Syncline reads; null if none. */
    private static Schema schemaOf(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return null;
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (fingerprint == FINGERPRINT) {
            return SCHEMA;
        }
        return fingerprint == FINGERPRINT_V1 ? SCHEMA_V1 : null;
    }

    /**
     * Walks the body without allocating anything. Avro's reader allocates a string, byte or array
     * length before it sees whether that many bytes follow, so one corrupt length could ask for
     * gigabytes; skipping first bounds every length by the bytes really present, and finds
     * trailing bytes.
     */
    private static void checkBody(byte[] bytes, Schema schema) {
        BinaryDecoder body = DecoderFactory.get()
                .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        try {
            GenericDatumReader.skip(schema, body);
            if (!body.isEnd()) {
                throw new EnvelopeFormatException("record is not a Syncline change envelope: unexpected bytes after"
                        + " the envelope");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof EnvelopeFormatException format) {
                throw format;
            }
            throw corrupt(e);
        }
    }

    private static EnvelopeFormatException corrupt(Exception e) {
        return new EnvelopeFormatException("record is not a Syncline change envelope: truncated or corrupt data ("
                + describe(e) + ")", e);
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e) : e + ", caused by " + root;
    }

    private static Kind[] kinds() {
        Kind[] kinds = new Kind[VALUE.getTypes().size()];
        for (Kind kind : Kind.values()) {
            Integer index = VALUE.getIndexNamed(SCHEMA.getNamespace() + "." + kind.record);
            if (index == null) {
                index = VALUE.getIndexNamed(kind.record);
            }
            if (index == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " has no column value type " + kind.record);
            }
            kinds[index] = kind;
        }
        return kinds;
    }

    private static int branchIndex(Kind kind) {
        return BRANCH_INDEX[kind.ordinal()];
    }

    private static final int[] BRANCH_INDEX = branchIndexes();

    private static int[] branchIndexes() {
        int[] indexes = new int[Kind.values().length];
        for (int i = 0; i < KINDS.length; i++) {
            if (KINDS[i] != null) {
                indexes[KINDS[i].ordinal()] = i;
            }
        }
        return indexes;
    }

    private static Schema loadSchema(String resource) {
        try (InputStream in = ChangeEnvelopeCodec.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath; the sync-core jar"
                        + " is incomplete");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }
}
