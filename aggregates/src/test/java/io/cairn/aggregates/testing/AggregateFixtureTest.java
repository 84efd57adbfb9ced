package io.cairn.aggregates.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.aggregates.guide.Accounts;
import io.cairn.aggregates.guide.Accounts.Account;
import io.cairn.aggregates.guide.Accounts.AccountCommand;
import io.cairn.aggregates.guide.Accounts.AccountEvent;
import io.cairn.aggregates.guide.Accounts.Deposit;
import io.cairn.aggregates.guide.Accounts.Deposited;
import io.cairn.aggregates.guide.Accounts.Open;
import io.cairn.aggregates.guide.Accounts.Opened;
import io.cairn.aggregates.guide.Accounts.Withdraw;
import io.cairn.aggregates.guide.Accounts.Withdrawn;
import io.cairn.eventstore.serde.EventCodec;
import io.cairn.eventstore.serde.JsonEventCodec;
import io.cairn.eventstore.serde.SerializedEvent;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The given/when/then fixture on the guide's account, and what its failures say. */
class AggregateFixtureTest {

  private final AggregateFixture<AccountCommand, AccountEvent, Account> accounts =
      AggregateFixture.of(Accounts.type("accounts", 100));

  @Nested
  class PassingExamples {

    @Test
    void aDepositOnAnOpenAccountIsAccepted() {
      accounts.given(new Opened("alice"), new Deposited(10, 10))
          .when(new Deposit("acc-1", "cmd-3", 5))
          .thenEvents(new Deposited(5, 15))
          .thenState(new Account(true, "alice", 15));
    }

    @Test
    void overdrawingIsRejected() {
      assertThat(accounts.given(new Opened("alice"))
          .when(new Withdraw("acc-1", "cmd-2", 1))
          .thenRejected("insufficient-funds").message()).isEqualTo("balance 0 < 1");
    }

    @Test
    void aNegativeAmountIsAValidationError() {
      accounts.given(new Opened("alice"))
          .when(new Deposit("acc-1", "cmd-2", -1))
          .thenValidationError("amount");
    }

    @Test
    void depositingOnANewAccountIsRejected() {
      accounts.givenNoEvents().when(new Deposit("acc-1", "cmd-1", 1)).thenRejected("not-open");
    }

    @Test
    void everyEventTypeOfTheAccountRoundTrips() {
      EventRoundTrip.verify(Accounts.type("accounts", 100).eventCodec(),
          new Opened("alice"), new Deposited(5, 5), new Withdrawn(5, 0));
    }
  }

  @Nested
  class FailureMessages {

    @Test
    void unexpectedEventsAreListedSideBySide() {
      assertThatThrownBy(() -> accounts.given(new Opened("alice"))
          .when(new Deposit("acc-1", "cmd-2", 5))
          .thenEvents(new Deposited(5, 6)))
          .isInstanceOf(AssertionError.class)
          .hasMessage("when Deposit[accountId=acc-1, commandId=cmd-2, amount=5]\n"
              + "expected 1 events:\n  1. Deposited[amount=5, balance=6]\n"
              + "but got 1:\n  1. Deposited[amount=5, balance=5]\n"
              + "first difference at events #1");
    }

    @Test
    void aRejectionWhereEventsWereExpectedSaysWhy() {
      assertThatThrownBy(() -> accounts.given(new Opened("alice"))
          .when(new Open("acc-1", "cmd-2", "bob"))
          .thenEvents(new Opened("bob")))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("but was:  rejected with already-open (account acc-1 is already open)");
    }

    @Test
    void aValidationErrorOnAnotherFieldIsReported() {
      assertThatThrownBy(() -> accounts.given(new Opened("alice"))
          .when(new Deposit("acc-1", "cmd-2", 0))
          .thenValidationError("accountId"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("but was:  validation error on amount (amount = 0: must be positive)");
    }

    @Test
    void anEventThatDoesNotRoundTripFailsTheTestThatUsesIt() {
      // given: a codec that loses the balance of Deposited
      EventCodec<AccountEvent> json = Accounts.type("accounts", 100).eventCodec();
      EventCodec<AccountEvent> lossy = new EventCodec<>() {
        @Override
        public SerializedEvent encode(AccountEvent event) {
          return json.encode(event instanceof Deposited d ? new Deposited(d.amount(), 0) : event);
        }

        @Override
        public AccountEvent decode(SerializedEvent serialized) {
          return json.decode(serialized);
        }

        @Override
        public Set<String> typeNames() {
          return json.typeNames();
        }
      };
      AggregateFixture<AccountCommand, AccountEvent, Account> fixture = AggregateFixture.of(
          io.cairn.aggregates.AggregateType.builder("accounts", new Accounts.AccountDecider())
              .aggregateId(AccountCommand::accountId).commandId(AccountCommand::commandId).eventCodec(lossy).build());

      // then
      assertThatThrownBy(() -> fixture.given(new Opened("alice")).when(new Deposit("acc-1", "c", 5)))
          .isInstanceOf(AssertionError.class)
          .hasMessage("decided event 1 does not survive serialization: Deposited[amount=5, balance=5] "
              + "(type MoneyDeposited) decodes as Deposited[amount=5, balance=0]");
    }

    @Test
    void aCodecTypeWithoutASampleFailsTheRoundTripCheck() {
      EventCodec<Object> codec = JsonEventCodec.builder(Object.class)
          .type("AccountOpened", Opened.class)
          .type("MoneyDeposited", Deposited.class)
          .build();

      assertThatThrownBy(() -> EventRoundTrip.<Object>verify(codec, new Opened("alice")))
          .isInstanceOf(AssertionError.class)
          .hasMessage("event serialization check failed:\n  no sample of the codec's types [MoneyDeposited]");
    }
  }
}
