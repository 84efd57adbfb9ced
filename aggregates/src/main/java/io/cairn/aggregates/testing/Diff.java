package io.cairn.aggregates.testing;

import java.util.List;
import java.util.Objects;

/** Readable side-by-side text of two lists for assertion messages. Stateless. */
final class Diff {

  private Diff() {
  }

  /** Both lists numbered, and the first position where they differ. */
  static String lists(String what, List<?> expected, List<?> actual) {
    StringBuilder text = new StringBuilder();
    text.append("expected ").append(expected.size()).append(' ').append(what).append(':');
    append(text, expected);
    text.append("\nbut got ").append(actual.size()).append(':');
    append(text, actual);
    int common = Math.min(expected.size(), actual.size());
    int first = common;
    for (int i = 0; i < common; i++) {
      if (!Objects.equals(expected.get(i), actual.get(i))) {
        first = i;
        break;
      }
    }
    text.append("\nfirst difference at ").append(what).append(" #").append(first + 1);
    return text.toString();
  }

  private static void append(StringBuilder text, List<?> items) {
    for (int i = 0; i < items.size(); i++) {
      text.append("\n  ").append(i + 1).append(". ").append(items.get(i));
    }
  }
}
