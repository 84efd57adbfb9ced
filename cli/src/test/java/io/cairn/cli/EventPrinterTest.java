package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.StoredEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventPrinterTest {

  private static final UUID EVENT_ID = UUID.fromString("6f1c6a4e-2d1b-4c7e-9a51-0d4a3c2b1a00");
  private static final long TIMESTAMP_MS = 1_700_000_000_123L;

  private static StoredEvent event(byte[] payload, List<Header> headers) {
    return new StoredEvent("bank.account", 2, 41, TIMESTAMP_MS, "acc-1", 3, EVENT_ID, "Deposited", payload, headers);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonLineHasEveryFieldAndEmbedsAJsonPayload() throws Exception {
    // given
    StoredEvent event = event(utf8("{\"amount\": 5}"), List.of(Header.of("correlation-id", "c-1")));

    // when
    String line = Json.line(EventPrinter.toJson(event));

    // then
    assertThat(line).doesNotContain("\n").isEqualTo("{\"topic\":\"bank.account\",\"partition\":2,\"offset\":41,"
        + "\"timestamp\":1700000000123,\"aggregateId\":\"acc-1\",\"version\":3,"
        + "\"eventId\":\"6f1c6a4e-2d1b-4c7e-9a51-0d4a3c2b1a00\",\"type\":\"Deposited\","
        + "\"headers\":[{\"key\":\"correlation-id\",\"value\":\"c-1\"}],"
        + "\"payloadEncoding\":\"json\",\"payload\":{\"amount\":5}}");
  }

  @Test
  void aPrettyPrintedJsonPayloadStaysOnOneLine() {
    String line = Json.line(EventPrinter.toJson(event(utf8("{\n  \"a\": [1,\n 2]\n}\n"), List.of())));

    assertThat(line).doesNotContain("\n").endsWith("\"payload\":{\"a\":[1,2]}}");
  }

  @Test
  void textBinaryAndTombstonePayloadsAreMarked() throws Exception {
    JsonNode text = Json.MAPPER.readTree(Json.line(EventPrinter.toJson(event(utf8("plain\ttext"), List.of()))));
    JsonNode binary = Json.MAPPER.readTree(Json.line(EventPrinter.toJson(event(new byte[] {(byte) 0xc3, 0x28}, List.of()))));
    JsonNode tombstone = Json.MAPPER.readTree(Json.line(EventPrinter.toJson(event(null, List.of()))));

    assertThat(text.get("payloadEncoding").asText()).isEqualTo("text");
    assertThat(text.get("payload").asText()).isEqualTo("plain\ttext");
    assertThat(binary.get("payloadEncoding").asText()).isEqualTo("base64");
    assertThat(binary.get("payload").asText()).isEqualTo("wyg=");
    assertThat(tombstone.get("payloadEncoding").asText()).isEqualTo("tombstone");
    assertThat(tombstone.get("payload").isNull()).isTrue();
  }

  @Test
  void headersWithoutValueOrWithBinaryValueAreKept() throws Exception {
    StoredEvent event = event(utf8("{}"), List.of(new Header("flag", null), new Header("bin", new byte[] {(byte) 0xff})));

    JsonNode headers = Json.MAPPER.readTree(Json.line(EventPrinter.toJson(event))).get("headers");

    assertThat(headers.get(0).get("key").asText()).isEqualTo("flag");
    assertThat(headers.get(0).get("value").isNull()).isTrue();
    assertThat(headers.get(1).get("valueBase64").asText()).isEqualTo("/w==");
  }

  @Test
  void recordsWithoutCairnFieldsGiveNulls() throws Exception {
    StoredEvent plainKafka = new StoredEvent("t", 0, 0, TIMESTAMP_MS, null, -1, null, "", utf8("x"), List.of());

    JsonNode node = Json.MAPPER.readTree(Json.line(EventPrinter.toJson(plainKafka)));

    assertThat(node.get("aggregateId").isNull()).isTrue();
    assertThat(node.get("eventId").isNull()).isTrue();
    assertThat(node.get("version").asLong()).isEqualTo(-1);
  }

  @Test
  void textLineNamesEveryFieldAndEscapesControlCharacters() {
    // given
    StoredEvent event = event(utf8("line one\nline two"), List.of(Header.of("k", "v"), Header.of("k2", "v2")));

    // when
    String line = EventPrinter.toText(event);

    // then
    assertThat(line).isEqualTo("partition=2 offset=41 timestamp=2023-11-14T22:13:20.123Z aggregate=acc-1 version=3"
        + " type=Deposited eventId=6f1c6a4e-2d1b-4c7e-9a51-0d4a3c2b1a00 headers=k=v,k2=v2"
        + " payload=line one\\nline two");
  }

  @Test
  void textLineShowsBinaryAsBase64AndTombstonesAsSuch() {
    assertThat(EventPrinter.toText(event(new byte[] {(byte) 0xff}, List.of()))).endsWith(" payload=base64:/w==");
    assertThat(EventPrinter.toText(event(null, List.of()))).endsWith(" payload=<tombstone>");
  }

  @Test
  void printWritesOneLinePerEvent() {
    StringWriter text = new StringWriter();
    EventPrinter printer = new EventPrinter(new PrintWriter(text, true), true);

    printer.print(event(utf8("{}"), List.of()));
    printer.print(event(utf8("{}"), List.of()));

    assertThat(text.toString().lines()).hasSize(2);
  }

  @Test
  void escapeLeavesOrdinaryTextAlone() {
    assertThat(EventPrinter.escape("größe ✓")).isEqualTo("größe ✓");
    assertThat(EventPrinter.escape("a\u0001b\r")).isEqualTo("a\\u0001b\\r");
    assertThat(EventPrinter.escape(null)).isEqualTo("null");
  }
}
