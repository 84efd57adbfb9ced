package io.cairn.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.ProducerInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordSizesTest {

  private static final long SEED = 0x5123L;

  @Test
  void utf8LengthMatchesTheJdk() {
    for (String text : List.of("", "abc", "é", "日本", "ключ", "\uD83D\uDE00 smile")) {
      assertThat(RecordSizes.utf8Length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
    String lone = "\uD800 lone surrogate";
    assertThat(RecordSizes.utf8Length(lone)).isGreaterThanOrEqualTo(lone.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void theEstimateIsNeverBelowWhatTheEncoderWrites() {
    // given: random batches of events of random shapes
    Random random = new Random(SEED);
    for (int round = 0; round < 200; round++) {
      List<KeyedEvent> events = new ArrayList<>();
      long estimate = RecordSizes.BATCH_HEADER_BYTES;
      int count = 1 + random.nextInt(20);
      for (int i = 0; i < count; i++) {
        String key = "agg-" + random.nextInt(1_000_000) + "é".repeat(random.nextInt(4));
        byte[] payload = random.nextInt(10) == 0 ? null : new byte[random.nextInt(300)];
        List<Header> headers = new ArrayList<>();
        for (int h = random.nextInt(3); h > 0; h--) {
          headers.add(new Header("h" + h, random.nextBoolean() ? null : new byte[random.nextInt(40)]));
        }
        EventData event = new EventData(new UUID(random.nextLong(), random.nextLong()), "Type" + random.nextInt(1000),
            payload, headers);
        events.add(new KeyedEvent(key, event));
        estimate += RecordSizes.estimate(key.getBytes(StandardCharsets.UTF_8).length, event);
      }

      // when
      int encoded = EventBatches.encode(events, CompressionType.NONE, new ProducerInfo(1, (short) 0, 0),
          System.currentTimeMillis()).remaining();

      // then
      assertThat(estimate).as("seed %x, round %d", SEED, round).isGreaterThanOrEqualTo(encoded);
      assertThat(estimate).as("not wildly above either").isLessThan(encoded + 64L * count + 64);
    }
  }
}
