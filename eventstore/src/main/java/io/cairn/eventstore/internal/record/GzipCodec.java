package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.CompressionType;
import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * gzip (RFC 1952) with the JDK's zlib, as Kafka's producer writes it through
 * {@link java.util.zip.GZIPOutputStream}: a 10-byte header {@code 1f 8b 08 00 00000000 00 ff},
 * raw deflate data at the default level, then CRC-32 and input size, both little-endian.
 *
 * <p>The decoder accepts what {@link java.util.zip.GZIPInputStream} accepts: optional header
 * fields (extra, name, comment, header CRC) and several concatenated members. It verifies each
 * member's CRC-32 and size and rejects bytes after the last member. The {@link Deflater} and
 * {@link Inflater} are reused across batches. Not thread-safe.
 */
final class GzipCodec implements RecordsCodec {

  private static final int ID1 = 0x1f;
  private static final int ID2 = 0x8b;
  private static final int CM_DEFLATE = 8;
  private static final int OS_UNKNOWN = 0xff;
  private static final int MTIME_LENGTH = 4;
  /** ID1, ID2, CM, FLG, MTIME, XFL, OS. */
  static final int HEADER_LENGTH = 2 + 1 + 1 + MTIME_LENGTH + 1 + 1;
  private static final int FLG_OFFSET = 3;
  private static final int OS_OFFSET = HEADER_LENGTH - 1;
  /** CRC-32 then ISIZE, little-endian. */
  static final int TRAILER_LENGTH = 8;
  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;
  private static final int HEADER_CRC_LENGTH = 2;
  private static final int XLEN_LENGTH = 2;
  private static final int COMPRESS_STEP_BYTES = 16 * 1024;

  private Deflater deflater;
  private final CRC32 crc = new CRC32();
  private Inflater inflater;
  private byte[] src;
  private int position;
  private int end;
  private long memberBytes;
  private boolean ended;

  @Override
  public CompressionType type() {
    return CompressionType.GZIP;
  }

  @Override
  public void compress(byte[] input, int offset, int length, GrowableBytes out) {
    if (deflater == null) {
      deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }
    deflater.reset();
    out.ensureRoom(HEADER_LENGTH);
    byte[] header = out.array();
    int at = out.size();
    header[at] = (byte) ID1;
    header[at + 1] = (byte) ID2;
    header[at + 2] = (byte) CM_DEFLATE;
    for (int i = FLG_OFFSET; i < OS_OFFSET; i++) {
      header[at + i] = 0;
    }
    header[at + OS_OFFSET] = (byte) OS_UNKNOWN;
    out.size(at + HEADER_LENGTH);

    deflater.setInput(input, offset, length);
    deflater.finish();
    while (!deflater.finished()) {
      out.ensureRoom(COMPRESS_STEP_BYTES);
      int n = deflater.deflate(out.array(), out.size(), out.array().length - out.size());
      out.size(out.size() + n);
    }
    crc.reset();
    crc.update(input, offset, length);
    out.ensureRoom(TRAILER_LENGTH);
    int trailer = out.size();
    putIntLe(out.array(), trailer, (int) crc.getValue());
    putIntLe(out.array(), trailer + Integer.BYTES, length);
    out.size(trailer + TRAILER_LENGTH);
  }

  @Override
  public void startDecompression(byte[] input, int offset, int length) throws IOException {
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    this.src = input;
    this.position = offset;
    this.end = offset + length;
    this.ended = false;
    startMember();
  }

  private void startMember() throws IOException {
    int p = position;
    require(p, HEADER_LENGTH, "header");
    if ((src[p] & 0xff) != ID1 || (src[p + 1] & 0xff) != ID2) {
      throw new IOException(String.format("gzip magic is 0x%02x%02x, expected 0x%02x%02x",
          src[p] & 0xff, src[p + 1] & 0xff, ID1, ID2));
    }
    if (src[p + 2] != CM_DEFLATE) {
      throw new IOException("gzip compression method is " + src[p + 2] + ", expected " + CM_DEFLATE + " (deflate)");
    }
    int flags = src[p + FLG_OFFSET] & 0xff;
    p += HEADER_LENGTH;
    if ((flags & FEXTRA) != 0) {
      require(p, XLEN_LENGTH, "extra field length");
      int extraLength = (src[p] & 0xff) | (src[p + 1] & 0xff) << Byte.SIZE;
      p += XLEN_LENGTH;
      require(p, extraLength, "extra field");
      p += extraLength;
    }
    if ((flags & FNAME) != 0) {
      p = skipZeroTerminated(p, "file name");
    }
    if ((flags & FCOMMENT) != 0) {
      p = skipZeroTerminated(p, "comment");
    }
    if ((flags & FHCRC) != 0) {
      require(p, HEADER_CRC_LENGTH, "header CRC");
      p += HEADER_CRC_LENGTH;
    }
    position = p;
    inflater.reset();
    inflater.setInput(src, p, end - p);
    crc.reset();
    memberBytes = 0;
  }

  @Override
  public int decompressMore(GrowableBytes out) throws IOException {
    while (!ended) {
      if (inflater.finished()) {
        finishMember();
        continue;
      }
      int room = out.ensureRoomUpTo(DECOMPRESS_STEP_BYTES);
      if (room == 0) {
        throw new IOException("gzip data decompresses to more than " + out.limit() + " bytes");
      }
      int n;
      try {
        n = inflater.inflate(out.array(), out.size(), room);
      } catch (DataFormatException e) {
        throw new IOException("gzip deflate data is corrupt: " + e.getMessage(), e);
      }
      if (n > 0) {
        crc.update(out.array(), out.size(), n);
        memberBytes += n;
        out.size(out.size() + n);
        return n;
      }
      if (inflater.finished()) {
        continue;
      }
      if (inflater.needsDictionary()) {
        throw new IOException("gzip deflate data asks for a preset dictionary");
      }
      throw new IOException("gzip data ends inside its deflate stream");
    }
    return -1;
  }

  private void finishMember() throws IOException {
    int trailer = end - inflater.getRemaining();
    require(trailer, TRAILER_LENGTH, "trailer");
    int storedCrc = getIntLe(src, trailer);
    int storedSize = getIntLe(src, trailer + Integer.BYTES);
    if (storedCrc != (int) crc.getValue()) {
      throw new IOException(String.format("gzip CRC-32 is 0x%08x, computed 0x%08x", storedCrc, (int) crc.getValue()));
    }
    if (storedSize != (int) memberBytes) {
      throw new IOException("gzip size field is " + Integer.toUnsignedLong(storedSize)
          + ", decompressed " + memberBytes + " bytes");
    }
    position = trailer + TRAILER_LENGTH;
    if (position == end) {
      ended = true;
    } else {
      startMember();
    }
  }

  private void require(int at, int bytes, String what) throws IOException {
    if (bytes < 0 || end - at < bytes) {
      throw new IOException("gzip data ends inside the " + what + " (" + (end - at) + " bytes left, " + bytes + " needed)");
    }
  }

  private int skipZeroTerminated(int from, String what) throws IOException {
    for (int p = from; p < end; p++) {
      if (src[p] == 0) {
        return p + 1;
      }
    }
    throw new IOException("gzip " + what + " is not zero-terminated");
  }

  private static void putIntLe(byte[] dst, int at, int value) {
    for (int i = 0; i < Integer.BYTES; i++) {
      dst[at + i] = (byte) (value >>> (Byte.SIZE * i));
    }
  }

  private static int getIntLe(byte[] src, int at) {
    int value = 0;
    for (int i = 0; i < Integer.BYTES; i++) {
      value |= (src[at + i] & 0xff) << (Byte.SIZE * i);
    }
    return value;
  }

  @Override
  public void close() {
    if (deflater != null) {
      deflater.end();
      deflater = null;
    }
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
    src = null;
  }
}
