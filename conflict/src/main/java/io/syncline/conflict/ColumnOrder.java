package io.syncline.conflict;

import io.syncline.core.ColumnValue;
import io.syncline.core.ColumnValue.BooleanValue;
import io.syncline.core.ColumnValue.BytesValue;
import io.syncline.core.ColumnValue.DateValue;
import io.syncline.core.ColumnValue.DecimalValue;
import io.syncline.core.ColumnValue.FloatValue;
import io.syncline.core.ColumnValue.IntegerValue;
import io.syncline.core.ColumnValue.JsonValue;
import io.syncline.core.ColumnValue.NullValue;
import io.syncline.core.ColumnValue.TextValue;
import io.syncline.core.ColumnValue.TimeValue;
import io.syncline.core.ColumnValue.TimestampTzValue;
import io.syncline.core.ColumnValue.TimestampValue;
import io.syncline.core.ColumnValue.UuidValue;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Orders column values the way the databases do: numbers numerically whatever their kind (NaN
 * above every number, as in PostgreSQL), text by code point (PostgreSQL's {@code COLLATE "C"}),
 * times chronologically, UUIDs and bytes as unsigned bytes. Values of different families (a
 * number and a text) are ordered by family, which only matters for mistyped input: the order
 * stays total, so resolvers stay deterministic.
 */
final class ColumnOrder {

    private ColumnOrder() {
    }

    /** Compares two values by meaning; {@code 1}, {@code 1.0} and {@code 1.00} are equal here. */
    static int compare(ColumnValue a, ColumnValue b) {
        int byFamily = Integer.compare(family(a), family(b));
        if (byFamily != 0) {
            return byFamily;
        }
        if (a instanceof NullValue) {
            return 0;
        }
        if (family(a) == NUMBER) {
            return compareNumbers(a, b);
        }
        if (a instanceof TextValue x && b instanceof TextValue y) {
            return compareText(x.value(), y.value());
        }
        if (a instanceof JsonValue x && b instanceof JsonValue y) {
            return compareText(x.value(), y.value());
        }
        if (a instanceof BooleanValue x && b instanceof BooleanValue y) {
            return Boolean.compare(x.value(), y.value());
        }
        if (a instanceof BytesValue x && b instanceof BytesValue y) {
            return Arrays.compareUnsigned(x.value(), y.value());
        }
        if (a instanceof UuidValue x && b instanceof UuidValue y) {
            int high = Long.compareUnsigned(x.value().getMostSignificantBits(), y.value().getMostSignificantBits());
            return high != 0 ? high
                    : Long.compareUnsigned(x.value().getLeastSignificantBits(), y.value().getLeastSignificantBits());
        }
        if (a instanceof DateValue x && b instanceof DateValue y) {
            return x.value().compareTo(y.value());
        }
        if (a instanceof TimeValue x && b instanceof TimeValue y) {
            return Long.compare(x.microsOfDay(), y.microsOfDay());
        }
        if (a instanceof TimestampValue x && b instanceof TimestampValue y) {
            return x.value().compareTo(y.value());
        }
        if (a instanceof TimestampTzValue x && b instanceof TimestampTzValue y) {
            return x.value().compareTo(y.value());
        }
        throw new IllegalStateException("no order for " + a.getClass().getSimpleName());
    }

    /**
     * A total order consistent with {@code equals}: {@link #compare}, then the kind (integer before
     * decimal before float), then the decimal scale or the float's bits ({@code -0.0} before {@code 0.0});
     * NULL first.
     */
    static int total(ColumnValue a, ColumnValue b) {
        int byMeaning = compare(a, b);
        if (byMeaning != 0) {
            return byMeaning;
        }
        int byKind = Integer.compare(numberKind(a), numberKind(b));
        if (byKind != 0) {
            return byKind;
        }
        if (a instanceof DecimalValue x && b instanceof DecimalValue y) {
            return Integer.compare(x.value().scale(), y.value().scale());
        }
        if (a instanceof FloatValue x && b instanceof FloatValue y) {
            return Double.compare(x.value(), y.value());
        }
        return 0;
    }

    private static final int NUMBER = 2;

    private static int family(ColumnValue v) {
        if (v instanceof NullValue) {
            return 0;
        } else if (v instanceof BooleanValue) {
            return 1;
        } else if (v instanceof IntegerValue || v instanceof DecimalValue || v instanceof FloatValue) {
            return NUMBER;
        } else if (v instanceof TextValue) {
            return 3;
        } else if (v instanceof JsonValue) {
            return 4;
        } else if (v instanceof BytesValue) {
            return 5;
        } else if (v instanceof UuidValue) {
            return 6;
        } else if (v instanceof DateValue) {
            return 7;
        } else if (v instanceof TimeValue) {
            return 8;
        } else if (v instanceof TimestampValue) {
            return 9;
        }
        return 10;
    }

    private static int numberKind(ColumnValue v) {
        return v instanceof IntegerValue ? 0 : v instanceof DecimalValue ? 1 : v instanceof FloatValue ? 2 : -1;
    }

    private static int compareNumbers(ColumnValue a, ColumnValue b) {
        if (a instanceof IntegerValue x && b instanceof IntegerValue y) {
            return Long.compare(x.value(), y.value());
        }
        int specialA = special(a);
        int specialB = special(b);
        if (specialA != 0 || specialB != 0) {
            return Integer.compare(specialA, specialB);
        }
        return exact(a).compareTo(exact(b));
    }

    /** -1 for -Infinity, 1 for +Infinity, 2 for NaN, 0 for every finite number. */
    private static int special(ColumnValue v) {
        if (v instanceof FloatValue f) {
            double d = f.value();
            if (Double.isNaN(d)) {
                return 2;
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? 1 : -1;
            }
        }
        return 0;
    }

    private static BigDecimal exact(ColumnValue v) {
        if (v instanceof IntegerValue i) {
            return BigDecimal.valueOf(i.value());
        }
        if (v instanceof DecimalValue d) {
            return d.value();
        }
        return new BigDecimal(((FloatValue) v).value());
    }

    private static int compareText(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
