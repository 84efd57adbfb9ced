package io.cairn.eventstore.internal.record;

/**
 * UTF-8 length and encoding of a {@link String} straight into a byte array, without the
 * temporary array {@link String#getBytes} allocates. The bytes are exactly those of
 * {@code s.getBytes(StandardCharsets.UTF_8)}, including its replacement of an unpaired surrogate
 * by {@code '?'}. Stateless and thread-safe.
 */
public final class Utf8 {

  private static final int MAX_ONE_BYTE = 0x7f;
  private static final int MAX_TWO_BYTES = 0x7ff;
  private static final int TWO_BYTE_LEAD = 0xc0;
  private static final int THREE_BYTE_LEAD = 0xe0;
  private static final int FOUR_BYTE_LEAD = 0xf0;
  private static final int CONTINUATION = 0x80;
  private static final int SIX_BITS = 0x3f;
  private static final int BITS_PER_CONTINUATION = 6;
  private static final byte REPLACEMENT = (byte) '?';

  private Utf8() {
  }

  /** Bytes of the UTF-8 encoding of {@code s}. */
  public static int encodedLength(String s) {
    int length = s.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c <= MAX_ONE_BYTE) {
        continue;
      }
      if (c <= MAX_TWO_BYTES) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
        // Two chars become four bytes.
        bytes += 2;
        i++;
      } else if (Character.isSurrogate(c)) {
        // Unpaired surrogate: one '?' byte, already counted.
        continue;
      } else {
        bytes += 2;
      }
    }
    return bytes;
  }

  /**
   * Writes the UTF-8 encoding of {@code s} at {@code at} in {@code dst}, which MUST have room for
   * {@link #encodedLength(String)} bytes; returns the index after the last byte written.
   */
  public static int encode(String s, byte[] dst, int at) {
    int length = s.length();
    int i = at;
    for (int k = 0; k < length; k++) {
      char c = s.charAt(k);
      if (c <= MAX_ONE_BYTE) {
        dst[i++] = (byte) c;
      } else if (c <= MAX_TWO_BYTES) {
        dst[i++] = (byte) (TWO_BYTE_LEAD | (c >> BITS_PER_CONTINUATION));
        dst[i++] = (byte) (CONTINUATION | (c & SIX_BITS));
      } else if (Character.isHighSurrogate(c) && k + 1 < length && Character.isLowSurrogate(s.charAt(k + 1))) {
        int codePoint = Character.toCodePoint(c, s.charAt(++k));
        dst[i++] = (byte) (FOUR_BYTE_LEAD | (codePoint >> (3 * BITS_PER_CONTINUATION)));
        dst[i++] = (byte) (CONTINUATION | ((codePoint >> (2 * BITS_PER_CONTINUATION)) & SIX_BITS));
        dst[i++] = (byte) (CONTINUATION | ((codePoint >> BITS_PER_CONTINUATION) & SIX_BITS));
        dst[i++] = (byte) (CONTINUATION | (codePoint & SIX_BITS));
      } else if (Character.isSurrogate(c)) {
        dst[i++] = REPLACEMENT;
      } else {
        dst[i++] = (byte) (THREE_BYTE_LEAD | (c >> (2 * BITS_PER_CONTINUATION)));
        dst[i++] = (byte) (CONTINUATION | ((c >> BITS_PER_CONTINUATION) & SIX_BITS));
        dst[i++] = (byte) (CONTINUATION | (c & SIX_BITS));
      }
    }
    return i;
  }
}
