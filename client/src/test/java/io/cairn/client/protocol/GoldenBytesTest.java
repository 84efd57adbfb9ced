package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.EventData;
import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Frames byte for byte as the tables of docs/protocol.md lay them out, written by hand from the tables: if
 * the codec and the document disagree, one of them is wrong.
 */
class GoldenBytesTest {

  @Test
  void apiVersionsRequestFrame() {
    assertFrame(Frames.encodeRequest(new RequestHeader(ApiKey.API_VERSIONS.id(), (short) 0, 7, "cli"),
            new ApiVersions.Request()),
        "0000000d" // size 13
            + "0000" // api_key 0 ApiVersions
            + "0000" // api_version 0
            + "00000007" // correlation_id 7
            + "0003" + "636c69"); // client_id "cli"
  }

  @Test
  void streamVersionRequestFrameWithoutClientId() {
    assertFrame(Frames.encodeRequest(new RequestHeader(ApiKey.STREAM_VERSION.id(), (short) 0, 1, null),
            new StreamVersion.Request("t", "a")),
        "00000010" // size 16
            + "000a" + "0000" + "00000001" // StreamVersion v0, correlation 1
            + "ffff" // client_id null
            + "0001" + "74" // topic "t"
            + "0001" + "61"); // aggregate_id "a"
  }

  @Test
  void appendRequestFrame() {
    EventData event = new EventData(new UUID(1, 2), "T", null, List.of());
    assertFrame(Frames.encodeRequest(new RequestHeader(ApiKey.APPEND.id(), (short) 0, 2, null),
            new Append.Request("t", "a", Append.EXPECTED_EXACT, 0, -1, (short) -1, -1, List.of(event))),
        "00000046" // size 70
            + "0005" + "0000" + "00000002" + "ffff" // Append v0, correlation 2, no client id
            + "0001" + "74" // topic "t"
            + "0001" + "61" // aggregate_id "a"
            + "02" // expected_kind 2 = exact
            + "0000000000000000" // expected_version 0 = no stream
            + "ffffffffffffffff" // producer_id -1
            + "ffff" // producer_epoch -1
            + "ffffffff" // base_sequence -1
            + "00000001" // events: 1
            + "0000000000000001" + "0000000000000002" // event_id
            + "0001" + "54" // type "T"
            + "ffffffff" // payload null
            + "00000000"); // headers: 0
  }

  @Test
  void deleteTopicsResponseFrame() {
    assertFrame(Frames.encodeResponse(7, DeleteTopics.Response.OK),
        "00000008" // size 8
            + "00000007" // correlation_id 7
            + "0000" // error_code NONE
            + "ffff"); // error_message null
  }

  @Test
  void streamVersionErrorResponseOmitsTheBody() {
    assertFrame(Frames.encodeResponse(9, StreamVersion.Response.error(ErrorCode.UNKNOWN_TOPIC, "x")),
        "00000009" // size 9
            + "00000009" // correlation_id 9
            + "0008" // error_code UNKNOWN_TOPIC
            + "0001" + "78"); // error_message "x", no version field
  }

  @Test
  void connectionLimitErrorFrame() {
    assertFrame(Frames.encodeError(new ErrorFrame(ResponseHeader.CONNECTION_ERROR_CORRELATION_ID,
            ErrorCode.CONNECTION_LIMIT_REACHED, "full")),
        "0000000c" // size 12
            + "ffffffff" // correlation_id -1
            + "0006" // CONNECTION_LIMIT_REACHED
            + "0004" + "66756c6c"); // "full"
  }

  private static void assertFrame(Buffer frame, String expectedHex) {
    assertThat(HexFormat.of().formatHex(frame.getBytes())).isEqualTo(expectedHex);
  }
}
