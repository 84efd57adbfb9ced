package io.cairn.cli;

import io.cairn.eventstore.StartPosition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --from} of {@code tail}: {@value #EARLIEST}, {@value #LATEST}, {@value #OFFSET_PREFIX}N
 * (N at least 0) or {@value #TIME_PREFIX}ISO, an ISO-8601 instant ({@code 2026-11-21T07:57:54Z}, with
 * fractions of a second, or with an offset such as {@code +01:00}). Anything else is a usage error
 * naming the accepted forms. Stateless.
 */
public final class StartPositionConverter implements ITypeConverter<StartPosition> {

  /** From the first stored event. */
  public static final String EARLIEST = "earliest";
  /** Only events appended from now on. */
  public static final String LATEST = "latest";
  /** Prefix of a start offset, e.g. {@code offset:42}. */
  public static final String OFFSET_PREFIX = "offset:";
  /** Prefix of a start time, e.g. {@code time:2026-11-21T07:57:54Z}. */
  public static final String TIME_PREFIX = "time:";

  @Override
  public StartPosition convert(String value) {
    String trimmed = value.trim();
    if (EARLIEST.equals(trimmed)) {
      return StartPosition.EARLIEST;
    }
    if (LATEST.equals(trimmed)) {
      return StartPosition.LATEST;
    }
    if (trimmed.startsWith(OFFSET_PREFIX)) {
      return StartPosition.offset(offset(value, trimmed.substring(OFFSET_PREFIX.length())));
    }
    if (trimmed.startsWith(TIME_PREFIX)) {
      return StartPosition.timestamp(epochMillis(value, trimmed.substring(TIME_PREFIX.length())));
    }
    throw invalid(value, "");
  }

  private static long offset(String value, String digits) {
    try {
      long offset = Long.parseLong(digits);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // Falls through to the error naming the forms.
    }
    throw invalid(value, " (the offset must be a whole number 0 or more)");
  }

  private static long epochMillis(String value, String iso) {
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException notAnInstant) {
      try {
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw invalid(value, " (the time must be ISO-8601 with a zone, e.g. 2026-11-21T07:57:54Z)");
      }
    } catch (DateTimeException | ArithmeticException e) {
      throw invalid(value, " (the time is out of range)");
    }
  }

  private static TypeConversionException invalid(String value, String detail) {
    return new TypeConversionException("'" + value + "' is not a start position: use " + EARLIEST + ", " + LATEST
        + ", " + OFFSET_PREFIX + "N or " + TIME_PREFIX + "ISO-INSTANT" + detail);
  }
}
