package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The send time carried inside a benchmark payload, so that a consumer in the same JVM can measure
 * end-to-end latency: the first {@value #STAMP_BYTES} characters of the {@link Payloads} string are
 * the {@link System#nanoTime()} of the send as 16 lower-case hex digits, then {@code m} for a record
 * of the measured phase or {@code w} for a warm-up record. The payload stays a JSON document of its
 * size. Stateless.
 *
 * <p>The phase travels as an index ({@link #WARMUP}, {@link #MEASURED}) that writers and readers use to index
 * arrays, never to branch on: a branch that the warm-up never takes would be compiled out of the sending and
 * receiving loops, and its first measured record would throw them back to the interpreter (flight recordings of
 * the harness showed those deoptimizations at the start of the measured phase, and end-to-end spikes of 30-50 ms
 * there in some runs).
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
  /** Phase index of a warm-up record. */
  public static final int WARMUP = 0;
  /** Phase index of a record of the measured phase. */
  public static final int MEASURED = 1;
  /** The letter of each phase index. */
  private static final byte[] PHASE_LETTERS = {'w', 'm'};
  /** The phase index of each byte value, -1 for a byte that is no phase letter. */
  private static final byte[] PHASE_OF_LETTER = phaseOfLetter();
  private static final int BYTE_MASK = 0xff;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private SendStamps() {
  }

  /**
   * Writes the stamp into {@code payload}, a {@link Payloads} document of at least {@link #MIN_PAYLOAD_BYTES};
   * {@code phase} is {@link #WARMUP} or {@link #MEASURED}.
   */
  public static void write(byte[] payload, long sentNanos, int phase) {
    if (payload.length < MIN_PAYLOAD_BYTES) {
      throw new InvalidInputException("record-bytes", payload.length, "must be at least " + MIN_PAYLOAD_BYTES
          + " to carry the send time of an end-to-end measurement");
    }
    long bits = sentNanos;
    for (int i = HEX_DIGITS - 1; i >= 0; i--) {
      payload[STAMP_OFFSET + i] = HEX[(int) (bits & HEX_DIGIT_MASK)];
      bits >>>= BITS_PER_HEX_DIGIT;
    }
    payload[PHASE_OFFSET] = PHASE_LETTERS[Objects.checkIndex(phase, PHASE_LETTERS.length)];
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

  /** The phase {@code payload} was sent in: {@link #WARMUP} or {@link #MEASURED}. */
  public static int phase(byte[] payload) {
    ensureStamped(payload);
    int phase = PHASE_OF_LETTER[payload[PHASE_OFFSET] & BYTE_MASK];
    if (phase < 0) {
      throw new InvalidInputException("payload", "byte " + PHASE_OFFSET, "must be 'm' or 'w' in a send stamp");
    }
    return phase;
  }

  private static byte[] phaseOfLetter() {
    byte[] phases = new byte[BYTE_MASK + 1];
    Arrays.fill(phases, (byte) -1);
    for (int phase = 0; phase < PHASE_LETTERS.length; phase++) {
      phases[PHASE_LETTERS[phase]] = (byte) phase;
    }
    return phases;
  }

  private static void ensureStamped(byte[] payload) {
    if (payload == null || payload.length < MIN_PAYLOAD_BYTES) {
      throw new InvalidInputException("payload", payload == null ? "null" : payload.length + " bytes",
          "must be a stamped benchmark payload of at least " + MIN_PAYLOAD_BYTES + " bytes");
    }
  }
}
