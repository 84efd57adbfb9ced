package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;

/**
 * The send time carried inside a benchmark payload, so that a consumer in the same JVM can measure
 * end-to-end latency: the first {@value #STAMP_BYTES} characters of the {@link Payloads} string are
 * the {@link System#nanoTime()} of the send as 16 lower-case hex digits, then {@code m} for a record
 * of the measured phase or {@code w} for a warm-up record. The payload stays a JSON document of its
 * size. Stateless.
 */
public final class SendStamps {

  /** Characters a stamp takes: 16 hex digits and the phase letter. */
  public static final int STAMP_BYTES = 17;
  /** Smallest payload that holds a stamp. */
  public static final int MIN_PAYLOAD_BYTES = Payloads.MIN_BYTES + STAMP_BYTES;
  /** Where the stamp starts: right after {@code {"p":"}. */
  static final int STAMP_OFFSET = Payloads.MIN_BYTES - 2;
  private static final int HEX_DIGITS = 16;
  private static final int PHASE_OFFSET = STAMP_OFFSET + HEX_DIGITS;
  private static final int BITS_PER_HEX_DIGIT = 4;
  private static final int HEX_DIGIT_MASK = 0xf;
  private static final int HEX_RADIX = 16;
  private static final byte MEASURED = 'm';
  private static final byte WARMUP = 'w';
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private SendStamps() {
  }

  /** Writes the stamp into {@code payload}, a {@link Payloads} document of at least {@link #MIN_PAYLOAD_BYTES}. */
  public static void write(byte[] payload, long sentNanos, boolean measured) {
    if (payload.length < MIN_PAYLOAD_BYTES) {
      throw new InvalidInputException("record-bytes", payload.length, "must be at least " + MIN_PAYLOAD_BYTES
          + " to carry the send time of an end-to-end measurement");
    }
    long bits = sentNanos;
    for (int i = HEX_DIGITS - 1; i >= 0; i--) {
      payload[STAMP_OFFSET + i] = HEX[(int) (bits & HEX_DIGIT_MASK)];
      bits >>>= BITS_PER_HEX_DIGIT;
    }
    payload[PHASE_OFFSET] = measured ? MEASURED : WARMUP;
  }

  /** The send time stamped into {@code payload}. */
  public static long sentNanos(byte[] payload) {
    ensureStamped(payload);
    long value = 0;
    for (int i = 0; i < HEX_DIGITS; i++) {
      int digit = Character.digit(payload[STAMP_OFFSET + i], HEX_RADIX);
      if (digit < 0) {
        throw new InvalidInputException("payload", "byte " + (STAMP_OFFSET + i), "must be a hex digit of a send stamp");
      }
      value = (value << BITS_PER_HEX_DIGIT) | digit;
    }
    return value;
  }

  /** Whether {@code payload} was sent in the measured phase (not in the warm-up). */
  public static boolean measured(byte[] payload) {
    ensureStamped(payload);
    byte phase = payload[PHASE_OFFSET];
    if (phase != MEASURED && phase != WARMUP) {
      throw new InvalidInputException("payload", "byte " + PHASE_OFFSET, "must be 'm' or 'w' in a send stamp");
    }
    return phase == MEASURED;
  }

  private static void ensureStamped(byte[] payload) {
    if (payload == null || payload.length < MIN_PAYLOAD_BYTES) {
      throw new InvalidInputException("payload", payload == null ? "null" : payload.length + " bytes",
          "must be a stamped benchmark payload of at least " + MIN_PAYLOAD_BYTES + " bytes");
    }
  }
}
