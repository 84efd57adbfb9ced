package io.cairn.eventstore.internal.record;

import java.nio.ByteBuffer;

/**
 * UTF-8 length and encoding of a {@link String} straight into a byte array, without the
 * temporary array {@link String#getBytes} allocates. The bytes are exactly those of
 * {@code s.getBytes(StandardCharsets.UTF_8)}, including its replacement of an unpaired surrogate
 * by {@code '?'}. Also checks bytes for well-formed UTF-8 (RFC 3629), the bytes that decode to a
 * String and encode back unchanged. Stateless and thread-safe.
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
  private static final int BYTE_MASK = 0xff;
  private static final int MAX_CONTINUATION = 0xbf;
  /** C0 and C1 would start overlong two-byte forms. */
  private static final int MIN_TWO_BYTE_LEAD = 0xc2;
  private static final int SURROGATE_LEAD = 0xed;
  private static final int MAX_FOUR_BYTE_LEAD = 0xf4;
  private static final int MIN_SECOND_AFTER_E0 = 0xa0;
  private static final int MAX_SECOND_AFTER_ED = 0x9f;
  private static final int MIN_SECOND_AFTER_F0 = 0x90;
  private static final int MAX_SECOND_AFTER_F4 = 0x8f;

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

  /**
   * Whether {@code buffer[offset, offset + length)} (absolute indexes) is well-formed UTF-8 as RFC 3629
   * defines it: no overlong forms, no encoded surrogates, nothing above U+10FFFF, no truncated
   * sequence. Exactly such bytes survive a decode to a String and an encode back. Allocates nothing.
   */
  public static boolean isWellFormed(ByteBuffer buffer, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int lead = buffer.get(i) & BYTE_MASK;
      if (lead <= MAX_ONE_BYTE) {
        i++;
        continue;
      }
      int continuations;
      int secondMin = CONTINUATION;
      int secondMax = MAX_CONTINUATION;
      if (lead >= MIN_TWO_BYTE_LEAD && lead < THREE_BYTE_LEAD) {
        continuations = 1;
      } else if (lead >= THREE_BYTE_LEAD && lead < FOUR_BYTE_LEAD) {
        continuations = 2;
        if (lead == THREE_BYTE_LEAD) {
          secondMin = MIN_SECOND_AFTER_E0; // shorter forms are overlong
        } else if (lead == SURROGATE_LEAD) {
          secondMax = MAX_SECOND_AFTER_ED; // above are surrogates
        }
      } else if (lead >= FOUR_BYTE_LEAD && lead <= MAX_FOUR_BYTE_LEAD) {
        continuations = 3;
        if (lead == FOUR_BYTE_LEAD) {
          secondMin = MIN_SECOND_AFTER_F0; // shorter forms are overlong
        } else if (lead == MAX_FOUR_BYTE_LEAD) {
          secondMax = MAX_SECOND_AFTER_F4; // above is past U+10FFFF
        }
      } else {
        return false;
      }
      if (i + continuations >= end) {
        return false;
      }
      int second = buffer.get(i + 1) & BYTE_MASK;
      if (second < secondMin || second > secondMax) {
        return false;
      }
      for (int k = 2; k <= continuations; k++) {
        int next = buffer.get(i + k) & BYTE_MASK;
        if (next < CONTINUATION || next > MAX_CONTINUATION) {
          return false;
        }
      }
      i += continuations + 1;
    }
    return true;
  }
}
