package io.cairn.cli;

import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.node.json.CairnJson;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --expected-version}: {@value #ANY}, {@value #NO_STREAM}, {@value #EXISTS} or a
 * stream version N (0 = no stream). Anything else is a usage error naming the rule.
 */
public final class ExpectedVersionConverter implements ITypeConverter<ExpectedVersion> {

  /** No version check. */
  public static final String ANY = CairnJson.ANY;
  /** The stream must have no events. */
  public static final String NO_STREAM = CairnJson.NO_STREAM;
  /** The stream must have at least one event. */
  public static final String EXISTS = CairnJson.EXISTS;

  @Override
  public ExpectedVersion convert(String value) {
    String trimmed = value.trim();
    switch (trimmed) {
      case ANY:
        return ExpectedVersion.ANY;
      case NO_STREAM:
        return ExpectedVersion.NO_STREAM;
      case EXISTS:
        return ExpectedVersion.STREAM_EXISTS;
      default:
        break;
    }
    long version;
    try {
      version = Long.parseLong(trimmed);
    } catch (NumberFormatException e) {
      throw invalid(value);
    }
    try {
      return ExpectedVersion.exactly(version);
    } catch (InvalidInputException e) {
      throw invalid(value);
    }
  }

  /** The text form the converter accepts for {@code expected}, as printed in messages. */
  public static String format(ExpectedVersion expected) {
    return CairnJson.expectedVersion(expected);
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException("'" + value + "' is not an expected version: use " + ANY + ", "
        + NO_STREAM + ", " + EXISTS + " or a stream version (0 or more)");
  }
}
