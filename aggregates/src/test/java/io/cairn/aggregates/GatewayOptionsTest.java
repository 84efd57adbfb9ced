package io.cairn.aggregates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.aggregates.guide.Accounts;
import io.cairn.eventstore.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Settings and registrations are checked when they are made, naming the setting. */
class GatewayOptionsTest {

  @Test
  void aBadSettingIsRefusedNamingItAndTheValue() {
    assertThatThrownBy(() -> new GatewayOptions().setCacheEntries(0))
        .isInstanceOf(InvalidInputException.class).hasMessage("aggregate.cache.entries = 0: must be at least 1");
    assertThatThrownBy(() -> new GatewayOptions().setMaxConflictRetries(-1))
        .isInstanceOf(InvalidInputException.class).hasMessage("conflict.retries = -1: must be at least 0");
  }

  @Test
  void theCopyConstructorCopiesEverySetting() {
    GatewayOptions options = new GatewayOptions().setCacheEntries(3).setMaxConflictRetries(4).setCommandTimeoutMs(5)
        .setReadPageEvents(6).setRecentCommandIds(7);

    assertThat(new GatewayOptions(options).toString()).isEqualTo(options.toString())
        .isEqualTo("GatewayOptions{aggregate.cache.entries=3, conflict.retries=4, command.timeout.ms=5, "
            + "read.page.events=6, recent.command.ids=7}");
  }

  @Test
  void aRegistrationWithoutCommandIdIsRefused() {
    assertThatThrownBy(() -> AggregateType.builder("accounts", new Accounts.AccountDecider())
        .aggregateId(Accounts.AccountCommand::accountId)
        .eventCodec(Accounts.type("accounts", 1).eventCodec())
        .build())
        .isInstanceOf(InvalidInputException.class).hasMessage("commandId = null: must be set on the aggregate type");
  }

  @Test
  void aTopicTooLongForItsSnapshotTopicIsRefused() {
    assertThatThrownBy(() -> AggregateType.builder("t".repeat(240), new Accounts.AccountDecider()))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("topic = ");
  }

  @Test
  void snapshotsAreDueWhenTheVersionCrossesAMultipleOfN() {
    SnapshotPolicy everyFive = SnapshotPolicy.everyEvents(5);

    assertThat(everyFive.isDue(3, 4)).isFalse();
    assertThat(everyFive.isDue(4, 5)).isTrue();
    assertThat(everyFive.isDue(4, 12)).isTrue();
    assertThat(everyFive.isDue(5, 9)).isFalse();
    assertThat(SnapshotPolicy.NONE.isDue(0, 1000)).isFalse();
  }
}
