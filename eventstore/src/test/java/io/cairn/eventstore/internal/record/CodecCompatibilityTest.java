package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.cairn.eventstore.CompressionType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * Each codec against the reference libraries' own streams: our output decodes with them and
 * their output (including forms Kafka's producer does not write but other clients may) decodes
 * with ours.
 */
class CodecCompatibilityTest {

  private static final long SEED = 20_240_601L;

  /** 300 KiB, half random (incompressible), half text. */
  static byte[] sample(int size) {
    Random random = new Random(SEED);
    byte[] data = new byte[size];
    random.nextBytes(data);
    byte[] text = "the quick brown fox jumps over the lazy dog; ".getBytes(StandardCharsets.US_ASCII);
    for (int i = size / 2; i < size; i++) {
      data[i] = text[i % text.length];
    }
    return data;
  }

  static byte[] compress(CompressionType type, byte[] data) {
    try (RecordsCodec codec = RecordsCodec.create(type)) {
      GrowableBytes out = new GrowableBytes(16, GrowableBytes.MAX_CAPACITY);
      codec.compress(data, 0, data.length, out);
      return Arrays.copyOf(out.array(), out.size());
    }
  }

  static byte[] decompress(CompressionType type, byte[] compressed) throws IOException {
    try (RecordsCodec codec = RecordsCodec.create(type)) {
      GrowableBytes out = new GrowableBytes(16, GrowableBytes.MAX_CAPACITY);
      codec.startDecompression(compressed, 0, compressed.length);
      while (codec.decompressMore(out) >= 0) {
        // keep going until the codec reports the end
      }
      return Arrays.copyOf(out.array(), out.size());
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  static byte[] writeWith(StreamFactory factory, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = factory.wrap(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  interface StreamFactory {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void roundTripsSmallEmptyAndLargeInputs(CompressionType type) throws IOException {
    for (int size : new int[] {0, 1, 100, 65_536, 65_537, 300 * 1024}) {
      // given
      byte[] data = sample(size);

      // when
      byte[] back = decompress(type, compress(type, data));

      // then
      assertThat(back).as("%s of %d bytes", type, size).isEqualTo(data);
    }
  }

  @Test
  void gzipOutputIsReadByTheJdkAndEqualsGzipOutputStream() throws IOException {
    // given
    byte[] data = sample(100_000);

    // when
    byte[] ours = compress(CompressionType.GZIP, data);

    // then
    assertThat(readAll(new GZIPInputStream(new ByteArrayInputStream(ours)))).isEqualTo(data);
    assertThat(ours).isEqualTo(writeWith(GZIPOutputStream::new, data));
  }

  @Test
  void gzipReaderAcceptsConcatenatedMembersAndOptionalHeaderFields() throws IOException {
    // given: member 1 from the JDK, member 2 hand-made with FEXTRA, FNAME, FCOMMENT and FHCRC
    byte[] first = "first member ".getBytes(StandardCharsets.US_ASCII);
    byte[] second = sample(5000);
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    member.write(new byte[] {0x1f, (byte) 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3});
    member.write(new byte[] {3, 0, 'x', 'y', 'z'});
    member.write("name.txt\0a comment\0".getBytes(StandardCharsets.US_ASCII));
    member.write(new byte[] {0x12, 0x34});
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    deflater.setInput(second);
    deflater.finish();
    byte[] buffer = new byte[16_384];
    while (!deflater.finished()) {
      member.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(second);
    writeIntLe(member, (int) crc.getValue());
    writeIntLe(member, second.length);
    byte[] both = concat(writeWith(GZIPOutputStream::new, first), member.toByteArray());

    // when
    byte[] back = decompress(CompressionType.GZIP, both);

    // then
    assertThat(back).isEqualTo(concat(first, second));
  }

  @Test
  void gzipReaderRejectsABadCrcAndTrailingBytes() {
    // given
    byte[] good = compress(CompressionType.GZIP, sample(1000));
    byte[] badCrc = good.clone();
    badCrc[badCrc.length - 8] ^= 1;
    byte[] trailing = concat(good, new byte[] {1, 2, 3});

    // when / then
    assertThatThrownBy(() -> decompress(CompressionType.GZIP, badCrc)).isInstanceOf(IOException.class)
        .hasMessageContaining("gzip CRC-32 is");
    assertThatThrownBy(() -> decompress(CompressionType.GZIP, trailing)).isInstanceOf(IOException.class)
        .hasMessageContaining("gzip data ends inside the header (3 bytes left, 10 needed)");
  }

  @Test
  void snappyOutputIsReadBySnappyInputStreamAndEqualsSnappyOutputStream() throws IOException {
    // given
    byte[] data = sample(100_000);

    // when
    byte[] ours = compress(CompressionType.SNAPPY, data);

    // then
    assertThat(readAll(new SnappyInputStream(new ByteArrayInputStream(ours)))).isEqualTo(data);
    assertThat(ours).isEqualTo(writeWith(SnappyOutputStream::new, data));
  }

  @Test
  void snappyReaderAcceptsConcatenatedStreamsAndRawBlocks() throws IOException {
    // given
    byte[] a = sample(40_000);
    byte[] b = "second stream".getBytes(StandardCharsets.US_ASCII);
    byte[] concatenated = concat(writeWith(SnappyOutputStream::new, a), writeWith(SnappyOutputStream::new, b));
    byte[] raw = Snappy.compress(a);

    // when / then
    assertThat(decompress(CompressionType.SNAPPY, concatenated)).isEqualTo(concat(a, b));
    assertThat(decompress(CompressionType.SNAPPY, raw)).isEqualTo(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"BLOCK_CHECKSUM", "CONTENT_CHECKSUM", "CONTENT_SIZE", "NONE"})
  void lz4ReaderAcceptsOptionalFrameFeatures(String feature) throws IOException {
    // given: lz4-java's own frame writer, 256 KiB blocks, one optional feature at a time
    byte[] data = sample(600_000);
    LZ4FrameOutputStream.FLG.Bits[] bits = feature.equals("NONE")
        ? new LZ4FrameOutputStream.FLG.Bits[] {LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE}
        : new LZ4FrameOutputStream.FLG.Bits[] {LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
            LZ4FrameOutputStream.FLG.Bits.valueOf(feature)};
    byte[] frame = writeWith(out -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB,
        data.length, bits), data);

    // when
    byte[] back = decompress(CompressionType.LZ4, frame);

    // then
    assertThat(back).isEqualTo(data);
  }

  @Test
  void lz4ReaderRejectsDependentBlocksAndBadBlockChecksums() throws IOException {
    // given
    byte[] data = sample(10_000);
    // lz4-java refuses to write dependent blocks, so clear the flag in our frame and fix its checksum.
    byte[] dependent = compress(CompressionType.LZ4, data);
    dependent[4] = Lz4FrameCodec.FLG & ~0x20;
    dependent[6] = (byte) (XXHashFactory.fastestInstance().hash32().hash(dependent, 4, 2, 0) >> 8);
    byte[] checksummed = writeWith(out -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM), data);
    checksummed[Lz4FrameCodec.HEADER_LENGTH + 4 + 10] ^= 1;

    // when / then
    assertThatThrownBy(() -> decompress(CompressionType.LZ4, dependent)).isInstanceOf(IOException.class)
        .hasMessageContaining("dependent blocks");
    assertThatThrownBy(() -> decompress(CompressionType.LZ4, checksummed)).isInstanceOf(IOException.class)
        .hasMessageContaining("LZ4 block checksum is");
  }

  @Test
  void lz4FrameHeaderIsKafkasFixedHeader() {
    // given / when
    byte[] frame = compress(CompressionType.LZ4, new byte[0]);

    // then: magic, FLG 0x60, BD 0x40, HC 0x82 (xxHash32 of 60 40 >> 8), end mark
    assertThat(frame).containsExactly(0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 0, 0, 0, 0);
  }

  @Test
  void zstdOutputIsReadByZstdInputStream() throws IOException {
    // given
    byte[] data = sample(300 * 1024);

    // when
    byte[] ours = compress(CompressionType.ZSTD, data);

    // then
    assertThat(readAll(new ZstdInputStream(new ByteArrayInputStream(ours)))).isEqualTo(data);
  }

  @Test
  void zstdReaderAcceptsStreamedFramesWithoutContentSizeAndSeveralFrames() throws IOException {
    // given: Kafka's producer writes frames through ZstdOutputStream, which leaves out the size
    byte[] a = sample(70_000);
    byte[] b = "second frame".getBytes(StandardCharsets.US_ASCII);
    byte[] streamed = writeWith(ZstdOutputStream::new, a);
    byte[] twoFrames = concat(compress(CompressionType.ZSTD, a), compress(CompressionType.ZSTD, b));

    // when / then
    assertThat(decompress(CompressionType.ZSTD, streamed)).isEqualTo(a);
    assertThat(decompress(CompressionType.ZSTD, twoFrames)).isEqualTo(concat(a, b));
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void truncatedCompressedDataIsAnErrorNotAShortResult(CompressionType type) {
    // given
    byte[] whole = compress(type, sample(50_000));
    byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

    // when / then
    assertThatThrownBy(() -> decompress(type, truncated)).isInstanceOf(IOException.class);
  }

  private static void writeIntLe(ByteArrayOutputStream out, int value) {
    for (int i = 0; i < Integer.BYTES; i++) {
      out.write(value >>> (Byte.SIZE * i));
    }
  }
}
