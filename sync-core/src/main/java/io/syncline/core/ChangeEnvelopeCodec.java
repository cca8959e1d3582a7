package io.syncline.core;

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
import java.util.UUID;
import io.syncline.core.apply.MetaJson;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
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

    /** The envelope format version written into, and required of, every envelope. */
    public static final int FORMAT_VERSION = 1;

    /** Classpath location of the envelope's Avro schema. */
    public static final String SCHEMA_RESOURCE = "/io/syncline/core/change-envelope.avsc";

    private static final Schema SCHEMA = loadSchema();
    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(SCHEMA);
    /** The single-object header: 2 marker bytes and the 8-byte little-endian schema fingerprint. */
    private static final int HEADER_LENGTH = 10;
    private static final Schema COLUMN = SCHEMA.getField("columns").schema().getElementType();
    private static final Schema VERSION_ENTRY = SCHEMA.getField("vv").schema().getElementType();
    private static final Schema OP = SCHEMA.getField("op").schema();
    private static final Schema VALUE = COLUMN.getField("value").schema();
    private static final Schema INTEGER = branch("IntegerValue");
    private static final Schema DECIMAL = branch("DecimalValue");
    private static final Schema FLOAT = branch("FloatValue");
    private static final Schema BOOLEAN = branch("BooleanValue");
    private static final Schema TEXT = branch("TextValue");
    private static final Schema BYTES = branch("BytesValue");
    private static final Schema DATE = branch("DateValue");
    private static final Schema TIME = branch("TimeValue");
    private static final Schema TIMESTAMP = branch("TimestampValue");
    private static final Schema TIMESTAMP_TZ = branch("TimestampTzValue");
    private static final Schema UUID_VALUE = branch("UuidValue");
    private static final Schema UUID_FIXED = UUID_VALUE.getField("value").schema();
    private static final Schema JSON = branch("JsonValue");
    private static final GenericData.EnumSymbol UPSERT = new GenericData.EnumSymbol(OP, "UPSERT");
    private static final GenericData.EnumSymbol DELETE = new GenericData.EnumSymbol(OP, "DELETE");

    private static final int VERSION = pos("version");
    private static final int TABLE = pos("table");
    private static final int KEY = pos("key");
    private static final int OP_POS = pos("op");
    private static final int KEY_COLUMNS = pos("keyColumns");
    private static final int COLUMNS = pos("columns");
    private static final int VV = pos("vv");
    private static final int DOT_ORIGIN = pos("dotOrigin");
    private static final int DOT_SEQUENCE = pos("dotSequence");
    private static final int HLC = pos("hlc");
    private static final int COMMIT_TIME = pos("commitTimeMicros");
    private static final int SOURCE_POSITION = pos("sourcePosition");
    private static final int COLUMN_STAMPS = pos("columnStamps");
    private static final int COUNTERS = pos("counters");

    private final BinaryMessageEncoder<GenericRecord> encoder;
    private final BinaryMessageDecoder<GenericRecord> decoder;

    /** Creates a codec for the current envelope schema. */
    public ChangeEnvelopeCodec() {
        // A private model: conversions registered on the shared GenericData.get() cannot change our datums.
        GenericData model = new GenericData();
        this.encoder = new BinaryMessageEncoder<>(model, SCHEMA);
        this.decoder = new BinaryMessageDecoder<>(model, SCHEMA);
    }

    /** Returns the envelope's Avro schema (the one in {@value #SCHEMA_RESOURCE}). */
    public static Schema schema() {
        return SCHEMA;
    }

    /** Returns the event as single-object encoded Avro bytes. */
    public byte[] encode(ChangeEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("change event is null: nothing to encode");
        }
        GenericData.Record envelope = new GenericData.Record(SCHEMA);
        envelope.put(VERSION, FORMAT_VERSION);
        envelope.put(TABLE, event.table());
        envelope.put(KEY, event.key());
        envelope.put(OP_POS, event.op() == ChangeEvent.Op.UPSERT ? UPSERT : DELETE);
        envelope.put(KEY_COLUMNS, event.keyColumns());
        List<GenericRecord> columns = new ArrayList<>(event.columns().size());
        for (Map.Entry<String, ColumnValue> entry : event.columns().entrySet()) {
            GenericData.Record column = new GenericData.Record(COLUMN);
            column.put(0, entry.getKey());
            column.put(1, toAvro(entry.getValue()));
            columns.add(column);
        }
        envelope.put(COLUMNS, columns);
        List<GenericRecord> vv = new ArrayList<>(event.vv().entries().size());
        for (Map.Entry<SiteId, Long> entry : event.vv().entries().entrySet()) {
            GenericData.Record versionEntry = new GenericData.Record(VERSION_ENTRY);
            versionEntry.put(0, entry.getKey().value());
            versionEntry.put(1, entry.getValue());
            vv.add(versionEntry);
        }
        envelope.put(VV, vv);
        envelope.put(DOT_ORIGIN, event.dot().origin().value());
        envelope.put(DOT_SEQUENCE, event.dot().sequence());
        envelope.put(HLC, event.hlc());
        envelope.put(COMMIT_TIME, event.commitTimeMicros());
        envelope.put(SOURCE_POSITION, event.sourcePosition());
        envelope.put(COLUMN_STAMPS, MetaJson.stamps(event.columnStamps()));
        envelope.put(COUNTERS, MetaJson.counters(event.counters()));
        try {
            ByteBuffer buffer = encoder.encode(envelope);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode " + event.table() + "[" + event.key() + "]", e);
        }
    }

    /**
     * Reads an event from single-object encoded Avro bytes.
     *
     * @throws EnvelopeFormatException if the bytes are not a complete, valid change envelope
     */
    public ChangeEvent decode(byte[] bytes) {
        if (bytes == null) {
            throw new EnvelopeFormatException("record is null (a tombstone?), not a Syncline change envelope");
        }
        GenericRecord envelope = read(bytes);
        Object version = envelope.get(VERSION);
        if (!Integer.valueOf(FORMAT_VERSION).equals(version)) {
            throw new EnvelopeFormatException("change envelope has format version " + version + ", this Syncline reads "
                    + FORMAT_VERSION + "; upgrade this site to the writer's version");
        }
        try {
            return toEvent(envelope);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeFormatException("change envelope holds an invalid event: " + e.getMessage(), e);
        }
    }

    private GenericRecord read(byte[] bytes) {
        if (isOurs(bytes)) {
            checkBody(bytes);
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

    private static boolean isOurs(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return false;
        }
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() == FINGERPRINT;
    }

    /**
     * Walks the body without allocating anything. Avro's reader allocates a string, byte or array
     * length before it sees whether that many bytes follow, so one corrupt length could ask for
     * gigabytes; skipping first bounds every length by the bytes really present, and finds
     * trailing bytes.
     */
    private static void checkBody(byte[] bytes) {
        BinaryDecoder body = DecoderFactory.get()
                .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        try {
            GenericDatumReader.skip(SCHEMA, body);
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

    private static ChangeEvent toEvent(GenericRecord envelope) {
        String table = text(envelope.get(TABLE));
        String key = text(envelope.get(KEY));
        ChangeEvent.Op op = ChangeEvent.Op.valueOf(envelope.get(OP_POS).toString());
        List<?> keyColumnsIn = (List<?>) envelope.get(KEY_COLUMNS);
        List<String> keyColumns = new ArrayList<>(keyColumnsIn.size());
        for (Object name : keyColumnsIn) {
            keyColumns.add(text(name));
        }
        List<?> columnsIn = (List<?>) envelope.get(COLUMNS);
        Map<String, ColumnValue> columns = new LinkedHashMap<>(Math.max(4, columnsIn.size() * 4 / 3 + 1));
        for (Object item : columnsIn) {
            GenericRecord column = (GenericRecord) item;
            String name = text(column.get(0));
            if (columns.put(name, fromAvro(column.get(1))) != null) {
                throw new IllegalArgumentException("column '" + name + "' appears twice in " + table + "[" + key + "]");
            }
        }
        List<?> vvIn = (List<?>) envelope.get(VV);
        Map<SiteId, Long> vv = new LinkedHashMap<>();
        for (Object item : vvIn) {
            GenericRecord entry = (GenericRecord) item;
            vv.put(SiteId.of(text(entry.get(0))), (Long) entry.get(1));
        }
        Dot dot = new Dot(SiteId.of(text(envelope.get(DOT_ORIGIN))), (Long) envelope.get(DOT_SEQUENCE));
        Object stamps = envelope.get(COLUMN_STAMPS);
        Object counters = envelope.get(COUNTERS);
        return new ChangeEvent(table, key, op, keyColumns, columns, VersionVector.of(vv), dot,
                (Long) envelope.get(HLC), (Long) envelope.get(COMMIT_TIME), text(envelope.get(SOURCE_POSITION)),
                stamps == null ? Map.of() : MetaJson.parseStamps(text(stamps)),
                counters == null ? Map.of() : MetaJson.parseCounters(text(counters)));
    }

    private static Object toAvro(ColumnValue value) {
        if (value instanceof ColumnValue.NullValue) {
            return null;
        } else if (value instanceof ColumnValue.IntegerValue v) {
            return wrap(INTEGER, v.value());
        } else if (value instanceof ColumnValue.DecimalValue v) {
            GenericData.Record r = new GenericData.Record(DECIMAL);
            r.put(0, ByteBuffer.wrap(v.value().unscaledValue().toByteArray()));
            r.put(1, v.value().scale());
            return r;
        } else if (value instanceof ColumnValue.FloatValue v) {
            return wrap(FLOAT, v.value());
        } else if (value instanceof ColumnValue.BooleanValue v) {
            return wrap(BOOLEAN, v.value());
        } else if (value instanceof ColumnValue.TextValue v) {
            return wrap(TEXT, v.value());
        } else if (value instanceof ColumnValue.BytesValue v) {
            return wrap(BYTES, ByteBuffer.wrap(v.value()));
        } else if (value instanceof ColumnValue.DateValue v) {
            return wrap(DATE, v.epochDay());
        } else if (value instanceof ColumnValue.TimeValue v) {
            return wrap(TIME, v.microsOfDay());
        } else if (value instanceof ColumnValue.TimestampValue v) {
            return wrap(TIMESTAMP, v.epochMicros());
        } else if (value instanceof ColumnValue.TimestampTzValue v) {
            return wrap(TIMESTAMP_TZ, v.epochMicros());
        } else if (value instanceof ColumnValue.UuidValue v) {
            UUID uuid = v.value();
            byte[] bytes = ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits())
                    .array();
            return wrap(UUID_VALUE, new GenericData.Fixed(UUID_FIXED, bytes));
        } else if (value instanceof ColumnValue.JsonValue v) {
            return wrap(JSON, v.value());
        }
        throw new IllegalStateException("no envelope form for column value kind " + value.getClass().getName());
    }

    private static ColumnValue fromAvro(Object avro) {
        if (avro == null) {
            return ColumnValue.NULL;
        }
        GenericRecord r = (GenericRecord) avro;
        Object v = r.get(0);
        switch (r.getSchema().getName()) {
            case "IntegerValue":
                return new ColumnValue.IntegerValue((Long) v);
            case "DecimalValue":
                byte[] unscaled = bytes((ByteBuffer) v);
                if (unscaled.length == 0) {
                    throw new IllegalArgumentException("decimal value has no unscaled bytes");
                }
                return new ColumnValue.DecimalValue(new BigDecimal(new BigInteger(unscaled), (Integer) r.get(1)));
            case "FloatValue":
                return new ColumnValue.FloatValue((Double) v);
            case "BooleanValue":
                return new ColumnValue.BooleanValue((Boolean) v);
            case "TextValue":
                return new ColumnValue.TextValue(text(v));
            case "BytesValue":
                return new ColumnValue.BytesValue(bytes((ByteBuffer) v));
            case "DateValue":
                return new ColumnValue.DateValue(LocalDate.ofEpochDay((Integer) v));
            case "TimeValue":
                return new ColumnValue.TimeValue((Long) v);
            case "TimestampValue":
                return ColumnValue.TimestampValue.ofEpochMicros((Long) v);
            case "TimestampTzValue":
                return ColumnValue.TimestampTzValue.ofEpochMicros((Long) v);
            case "UuidValue":
                ByteBuffer uuid = ByteBuffer.wrap(((GenericData.Fixed) v).bytes());
                return new ColumnValue.UuidValue(new UUID(uuid.getLong(), uuid.getLong()));
            case "JsonValue":
                return new ColumnValue.JsonValue(text(v));
            default:
                throw new IllegalArgumentException("unknown column value kind " + r.getSchema().getName());
        }
    }

    private static GenericData.Record wrap(Schema schema, Object value) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put(0, value);
        return r;
    }

    private static String text(Object avroString) {
        return avroString.toString();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static Schema branch(String name) {
        for (Schema type : VALUE.getTypes()) {
            if (type.getType() == Schema.Type.RECORD && type.getName().equals(name)) {
                return type;
            }
        }
        throw new IllegalStateException(SCHEMA_RESOURCE + " has no column value type " + name);
    }

    private static int pos(String field) {
        return SCHEMA.getField(field).pos();
    }

    private static Schema loadSchema() {
        try (InputStream in = ChangeEnvelopeCodec.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the classpath; the sync-core jar"
                        + " is incomplete");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + SCHEMA_RESOURCE, e);
        }
    }
}
