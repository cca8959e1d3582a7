package io.syncline.core.apply;

import java.sql.SQLDataException;

/**
 * A value the target column cannot hold exactly, found before the statement runs (a server would
 * round it silently): SQLSTATE 22003, the column and the reason, never the value itself.
 */
final class ValueRefusal extends SQLDataException {

    private static final long serialVersionUID = 1L;

    ValueRefusal(String column, String reason) {
        super("column " + column + ": " + reason, "22003");
    }
}
