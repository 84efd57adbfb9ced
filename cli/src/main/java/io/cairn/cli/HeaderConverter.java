package io.cairn.cli;

import io.cairn.eventstore.Header;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --header key=value} into a {@link Header} with a UTF-8 value. The key is the text
 * before the first {@code =} and MUST NOT be empty; the value is everything after it (it may hold
 * {@code =} and may be empty). A header without a value is written {@code key} with no {@code =}.
 */
public final class HeaderConverter implements ITypeConverter<Header> {

  private static final char SEPARATOR = '=';

  @Override
  public Header convert(String value) {
    int separator = value.indexOf(SEPARATOR);
    String key = separator < 0 ? value : value.substring(0, separator);
    if (key.isEmpty()) {
      throw new TypeConversionException("'" + value + "' is not a header: use key=value with a non-empty key");
    }
    return separator < 0 ? new Header(key, null) : Header.of(key, value.substring(separator + 1));
  }
}
