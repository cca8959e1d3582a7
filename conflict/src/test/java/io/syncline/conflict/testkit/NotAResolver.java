package io.syncline.conflict.testkit;

/** A class that does not implement the SPI, for the registry's error message. */
public final class NotAResolver {
}
