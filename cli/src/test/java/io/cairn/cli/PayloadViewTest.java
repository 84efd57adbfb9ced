package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cli.PayloadView.Encoding;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadViewTest {

  private static PayloadView view(String utf8) {
    return PayloadView.of(utf8.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void oneJsonValueIsJson() {
    assertThat(view("{\"amount\": 5}").encoding()).isEqualTo(Encoding.JSON);
    assertThat(view("[1, 2]").encoding()).isEqualTo(Encoding.JSON);
    assertThat(view("\"just a string\"").encoding()).isEqualTo(Encoding.JSON);
    assertThat(view("42").encoding()).isEqualTo(Encoding.JSON);
  }

  @Test
  void utf8ThatIsNotExactlyOneJsonValueIsText() {
    assertThat(view("hello").encoding()).isEqualTo(Encoding.TEXT);
    assertThat(view("{\"a\":1} {\"b\":2}").encoding()).isEqualTo(Encoding.TEXT);
    assertThat(view("{\"a\":1,\"a\":2}").encoding()).as("duplicate keys").isEqualTo(Encoding.TEXT);
    assertThat(view("{\"a\":").encoding()).isEqualTo(Encoding.TEXT);
    assertThat(view("").encoding()).isEqualTo(Encoding.TEXT);
    assertThat(view("  ").encoding()).isEqualTo(Encoding.TEXT);
    assertThat(view("größe").text()).isEqualTo("größe");
  }

  @Test
  void bytesThatAreNotUtf8AreBase64() {
    PayloadView view = PayloadView.of(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});

    assertThat(view.encoding()).isEqualTo(Encoding.BASE64);
    assertThat(view.text()).isEqualTo("//4AAQ==");
  }

  @Test
  void aNullPayloadIsATombstone() {
    assertThat(PayloadView.of(null).encoding()).isEqualTo(Encoding.TOMBSTONE);
  }

  @Test
  void decimalsKeepTheirExactDigits() {
    assertThat(Json.line(view("{\"x\":1.10,\"y\":0.1000000000000000055511151231257827,\"z\":123456789012345678901234567890}")
        .json().orElseThrow()))
        .isEqualTo("{\"x\":1.10,\"y\":0.1000000000000000055511151231257827,\"z\":123456789012345678901234567890}");
  }
}
