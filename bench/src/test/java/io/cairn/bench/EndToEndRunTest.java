package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndToEndRunTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void everyMeasuredRecordIsTimedFromSendToReceiptAndWarmupRecordsAreNot() throws Exception {
    // given: 300 warm-up and 1000 measured records at 10 000 records/s through a pipe
    try (LoopbackPipe pipe = new LoopbackPipe(10, sequence -> false)) {
      // when
      EndToEndRun.Outcome outcome = EndToEndRun.run(pipe.sink(), pipe.source(),
          new ProducerRun.Params(100, 1000, 300, 10, 10_000, true, 7), TIMEOUT);

      // then
      assertThat(outcome.received()).isEqualTo(1000);
      assertThat(outcome.endToEnd().count()).isEqualTo(1000);
      assertThat(outcome.produced().records()).isEqualTo(1000);
      assertThat(outcome.ratePerSec()).isEqualTo(10_000);
      assertThat(outcome.endToEnd().p50Ms()).isPositive();
      JsonLine line = outcome.putInto(new JsonLine());
      assertThat(line.toLine()).contains("\"rate_per_sec\":10000.0", "\"events\":1000", "\"received\":1000",
          "\"p99_ms\"", "\"produce_p99_ms\"");
    }
  }
}
