package io.syncline.core;

/**
 * Rejects strings with unpaired UTF-16 surrogates. Such a string has no UTF-8 form: the
 * envelope would silently turn the lone surrogate into {@code ?} and the replica would get a
 * different value than the source had, so it is refused when the value is made.
 */
final class WellFormedText {

    private WellFormedText() {
    }

    /**
     * Throws if the text has an unpaired surrogate; {@code what} names the value in the message.
     *
     * @throws IllegalArgumentException naming the value and the index of the bad character
     */
    static String require(String what, String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(what + " has an unpaired UTF-16 surrogate at index " + i
                            + "; it has no UTF-8 form and cannot be replicated");
                }
            }
        }
        return text;
    }
}
