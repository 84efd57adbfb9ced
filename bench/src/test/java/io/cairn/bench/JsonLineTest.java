package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JsonLineTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void writesOneLineWithNamesInInsertionOrderAndRoundedNumbers() throws Exception {
    // given
    JsonLine line = new JsonLine()
        .put("benchmark", "append")
        .put("events", 12345L)
        .put("p99_ms", 1.23456789)
        .put("ok", true)
        .put("nested", new JsonLine().put("ratio", 2.0 / 3));

    // when
    String text = line.toLine();

    // then
    assertThat(text).doesNotContain("\n");
    assertThat(text).isEqualTo("{\"benchmark\":\"append\",\"events\":12345,\"p99_ms\":1.235,\"ok\":true,"
        + "\"nested\":{\"ratio\":0.667}}");
    JsonNode parsed = MAPPER.readTree(text);
    List<String> names = new ArrayList<>();
    parsed.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("benchmark", "events", "p99_ms", "ok", "nested");
  }

  @Test
  void aListOfNumbersIsAnArrayRoundedLikeOneNumber() {
    JsonLine line = new JsonLine().put("rounds", List.of(1.23456, 2.0, Double.NaN));

    assertThat(line.toLine()).isEqualTo("{\"rounds\":[1.235,2.0,null]}");
  }

  @Test
  void nonFiniteNumbersBecomeNullAndStringsAreEscaped() throws Exception {
    // given
    JsonLine line = new JsonLine()
        .put("ratio", Double.NaN)
        .put("infinite", Double.POSITIVE_INFINITY)
        .put("problem", "tab\there \"quoted\"\nnew line");

    // when
    JsonNode parsed = MAPPER.readTree(line.toLine());

    // then
    assertThat(line.toLine()).doesNotContain("\n");
    assertThat(parsed.get("ratio").isNull()).isTrue();
    assertThat(parsed.get("infinite").isNull()).isTrue();
    assertThat(parsed.get("problem").asText()).isEqualTo("tab\there \"quoted\"\nnew line");
  }

  @Test
  void runFiguresPutEveryStandardFigure() throws Exception {
    // given: 1000 events of 100 bytes in 0.5 s, latencies 1..10 ms
    Latencies latencies = new Latencies();
    for (int ms = 1; ms <= 10; ms++) {
      latencies.recordNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }
    RunFigures figures = new RunFigures(1000, 100_000, TimeUnit.MILLISECONDS.toNanos(500), latencies, 12.5);

    // when
    JsonNode parsed = MAPPER.readTree(figures.putInto(new JsonLine()).toLine());

    // then
    assertThat(parsed.get("events_per_sec").asDouble()).isEqualTo(2000.0);
    assertThat(parsed.get("mb_per_sec").asDouble()).isEqualTo(JsonLine.round(200_000 / RunFigures.BYTES_PER_MB));
    assertThat(parsed.get("p50_ms").asDouble()).isCloseTo(5.0, within(0.01));
    assertThat(parsed.get("p99_ms").asDouble()).isCloseTo(10.0, within(0.01));
    assertThat(parsed.get("p999_ms").asDouble()).isCloseTo(10.0, within(0.01));
    assertThat(parsed.get("heap_used_mb").asDouble()).isEqualTo(12.5);
    assertThat(parsed.get("requests").asLong()).isEqualTo(10);
  }
}
