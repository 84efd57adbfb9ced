package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Event payloads for benchmarks: a JSON document of exactly the requested size,
 * {@code {"p":"<random hex>"}}, so the same bytes are valid for PostgreSQL's {@code jsonb} and
 * different for every event (the ack log's SHA-256 then identifies each one). Stateless.
 */
public final class Payloads {

  private static final byte[] PREFIX = "{\"p\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);
  /** Smallest payload: the JSON frame around an empty string. */
  public static final int MIN_BYTES = PREFIX.length + SUFFIX.length;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final int BITS_PER_HEX_DIGIT = 4;
  private static final int HEX_DIGIT_MASK = 0xf;
  private static final int HEX_DIGITS_PER_LONG = Long.SIZE / BITS_PER_HEX_DIGIT;

  private Payloads() {
  }

  /** A new payload of {@code sizeBytes} bytes (at least {@link #MIN_BYTES}) drawn from {@code random}. */
  public static byte[] next(int sizeBytes, SplittableRandom random) {
    byte[] payload = new byte[ensureSize(sizeBytes)];
    fill(payload, random);
    return payload;
  }

  /** Overwrites all of {@code payload} with a JSON document of its length. */
  public static void fill(byte[] payload, SplittableRandom random) {
    ensureSize(payload.length);
    System.arraycopy(PREFIX, 0, payload, 0, PREFIX.length);
    int end = payload.length - SUFFIX.length;
    int at = PREFIX.length;
    while (at < end) {
      long bits = random.nextLong();
      for (int i = 0; i < HEX_DIGITS_PER_LONG && at < end; i++, at++) {
        payload[at] = HEX[(int) (bits & HEX_DIGIT_MASK)];
        bits >>>= BITS_PER_HEX_DIGIT;
      }
    }
    System.arraycopy(SUFFIX, 0, payload, end, SUFFIX.length);
  }

  private static int ensureSize(int sizeBytes) {
    if (sizeBytes < MIN_BYTES) {
      throw new InvalidInputException("event-bytes", sizeBytes, "must be at least " + MIN_BYTES
          + " (the JSON frame of a benchmark payload)");
    }
    return sizeBytes;
  }
}
