package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.Header;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for records: null keys and values, empty and large values, unicode header names. */
final class RecordArbitraries {

  /** Kafka rejects negative timestamps: the base stays above the largest negative delta. */
  static final long MIN_BASE_TIMESTAMP = 10_000L;
  static final long MAX_BASE_TIMESTAMP = 4_000_000_000_000L;

  private RecordArbitraries() {
  }

  static Arbitrary<byte[]> keys() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
        Arbitraries.strings().alpha().numeric().withChars("-ключ日本").ofMaxLength(36)
            .map(s -> s.getBytes(StandardCharsets.UTF_8)))
        .injectNull(0.15);
  }

  /** Random bytes (incompressible) or repeated text (compressible), up to a few KiB. */
  static Arbitrary<byte[]> values() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    Arbitrary<byte[]> text = Combinators.combine(
            Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(30),
            Arbitraries.integers().between(1, 300))
        .as((unit, times) -> unit.repeat(times).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, text, Arbitraries.just(new byte[0])).injectNull(0.1);
  }

  static Arbitrary<Header> headers() {
    // Whole code points only: an unpaired surrogate would not survive UTF-8 (Kafka and we write '?').
    Arbitrary<String> names = Arbitraries.of("a", "b", "z", "0", "9", ".", "-", "_", "cairn.", "ключ", "日", "😀")
        .list().ofMaxSize(6).map(parts -> String.join("", parts));
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(50).injectNull(0.2);
    return Combinators.combine(names, values).as(Header::new);
  }

  /** 1 to {@code maxRecords} records with timestamps around a random base. */
  static Arbitrary<List<TestRecord>> records(int maxRecords) {
    Arbitrary<TestRecord> oneRecord = Combinators.combine(
            Arbitraries.longs().between(-10_000L, 10_000_000L),
            keys(), values(), headers().list().ofMaxSize(4))
        .as(TestRecord::of);
    return Combinators.combine(Arbitraries.longs().between(MIN_BASE_TIMESTAMP, MAX_BASE_TIMESTAMP), oneRecord.list().ofMinSize(1).ofMaxSize(maxRecords))
        .as((base, relative) -> {
          List<TestRecord> absolute = new ArrayList<>();
          for (TestRecord r : relative) {
            absolute.add(TestRecord.of(base + r.timestamp(), r.key(), r.value(), r.headers()));
          }
          return absolute;
        });
  }
}
