package io.cairn.bench.cli;

import io.cairn.bench.KeyDistribution;
import io.cairn.bench.PostgresPeer;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the benchmark options. Stateless. */
final class Converters {

  private Converters() {
  }

  /** {@code durable} or {@code page-cache}. */
  static final class FlushModeConverter implements ITypeConverter<FlushMode> {
    @Override
    public FlushMode convert(String value) {
      try {
        return FlushMode.forName(value);
      } catch (InvalidInputException e) {
        throw new TypeConversionException("'" + value + "' is not a mode: use durable or page-cache");
      }
    }
  }

  /** {@code uniform}, {@code zipf} or {@code sequential}. */
  static final class KeysConverter implements ITypeConverter<KeyDistribution> {
    @Override
    public KeyDistribution convert(String value) {
      try {
        return KeyDistribution.forName(value);
      } catch (InvalidInputException e) {
        throw new TypeConversionException("'" + value + "' is not a key distribution: use uniform, zipf or sequential");
      }
    }
  }

  /** {@code insert-expected} or {@code advisory-lock}. */
  static final class PgModeConverter implements ITypeConverter<PostgresPeer.Mode> {
    @Override
    public PostgresPeer.Mode convert(String value) {
      try {
        return PostgresPeer.Mode.forName(value);
      } catch (InvalidInputException e) {
        throw new TypeConversionException("'" + value + "' is not a PostgreSQL append mode: use insert-expected or advisory-lock");
      }
    }
  }
}
