package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CommandThroughputTest {

  @Test
  void ratioIsTheMedianOfEachRoundsCommandsOverItsAppends() {
    // given: rounds whose ratios are 0.5, 0.9 and 0.8 to the raw side, 1.0, 0.9 and 0.8 to the encoding one
    List<CommandThroughput.Phase> raw = List.of(phase(1000), phase(2000), phase(1000));
    List<CommandThroughput.Phase> encoding = List.of(phase(500), phase(2000), phase(1000));
    List<CommandThroughput.Phase> commands = List.of(phase(500), phase(1800), phase(800));

    // when
    CommandThroughput.Outcome outcome = new CommandThroughput.Outcome(raw, encoding, commands, 100, 100, 10);

    // then
    assertThat(outcome.roundRatios()).containsExactly(0.5, 0.9, 0.8);
    assertThat(outcome.ratioMedian()).isEqualTo(0.8);
    assertThat(outcome.encodingRoundRatios()).containsExactly(1.0, 0.9, 0.8);
    assertThat(outcome.encodingRatioMedian()).isEqualTo(0.9);
    assertThat(outcome.appendsPerSecMedian()).isEqualTo(1000);
    assertThat(outcome.encodingAppendsPerSecMedian()).isEqualTo(1000);
    assertThat(outcome.commandsPerSecMedian()).isEqualTo(800);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(CommandThroughput.Outcome.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(CommandThroughput.Outcome.median(new double[0])).isZero();
  }

  @Test
  void counterEventsHaveThePayloadSizeAsked() {
    // when
    String note = Counters.note(100, new SplittableRandom(1));

    // then: exact for a one-digit count, a byte more per further digit
    assertThat(Counters.codec().encode(new Counters.Incremented(7, note)).payload()).hasSize(100);
    assertThat(Counters.codec().encode(new Counters.Incremented(42, note)).payload()).hasSize(101);
    assertThatThrownBy(() -> Counters.note(10, new SplittableRandom(1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("payload-bytes = 10");
  }

  @Test
  void paramsNeedAtLeastOneCommandPerRound() {
    assertThatThrownBy(() -> new CommandThroughput.Params(10, 2, 0, 1, 100, 3, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("commands = 2");
  }

  private static CommandThroughput.Phase phase(double perSec) {
    return new CommandThroughput.Phase((long) perSec, 1_000_000_000L, new Latencies());
  }
}
