package io.cairn.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/guide/aggregates.md includes compiled code: each {@code <!-- include: FILE#TAG -->} marker is followed
 * by a java block that MUST equal the lines between {@code // tag::TAG[]} and {@code // end::TAG[]} of that test
 * source file (indentation removed), so the guide cannot drift from code that compiles and runs.
 */
class GuideSnippetsTest {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path GUIDE = MODULE.resolveSibling("docs").resolve("guide").resolve("aggregates.md");
  private static final Path TEST_SOURCES = MODULE.resolve("src/test/java");
  private static final Pattern INCLUDE = Pattern.compile(
      "<!-- include: (\\S+)#(\\S+) -->\\R```java\\R(.*?)```", Pattern.DOTALL);

  @Test
  void everyIncludedSnippetMatchesItsSource() throws IOException {
    String guide = Files.readString(GUIDE);
    Matcher matcher = INCLUDE.matcher(guide);
    List<String> checked = new ArrayList<>();
    while (matcher.find()) {
      String expected = region(TEST_SOURCES.resolve(matcher.group(1)), matcher.group(2));
      assertThat(matcher.group(3)).as("snippet " + matcher.group(1) + "#" + matcher.group(2) + " of " + GUIDE)
          .isEqualTo(expected);
      checked.add(matcher.group(2));
    }
    assertThat(checked).as("snippets included in " + GUIDE).contains("domain", "usage-imports", "usage");
  }

  private static String region(Path file, String tag) throws IOException {
    List<String> lines = Files.readAllLines(file);
    int start = indexOfTrimmed(lines, "// tag::" + tag + "[]") + 1;
    int end = indexOfTrimmed(lines, "// end::" + tag + "[]");
    assertThat(start).as("tag " + tag + " in " + file).isPositive();
    assertThat(end).as("end of tag " + tag + " in " + file).isGreaterThanOrEqualTo(start);
    List<String> region = lines.subList(start, end);
    int indent = region.stream().filter(line -> !line.isBlank())
        .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
    StringBuilder text = new StringBuilder();
    for (String line : region) {
      text.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
    }
    return text.toString();
  }

  private static int indexOfTrimmed(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(marker)) {
        return i;
      }
    }
    return -1;
  }
}
