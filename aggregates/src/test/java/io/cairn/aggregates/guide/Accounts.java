package io.cairn.aggregates.guide;

// tag::domain[]
import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandValidationException;
import io.cairn.aggregates.Decider;
import io.cairn.aggregates.Decision;
import io.cairn.aggregates.JacksonSnapshotCodec;
import io.cairn.aggregates.SnapshotPolicy;
import io.cairn.eventstore.serde.JsonEventCodec;

/** A small bank account: open it, deposit, withdraw without going below zero. */
public final class Accounts {

  /** Commands carry the account id and a command id chosen by the sender (a resend reuses it). */
  public sealed interface AccountCommand {
    String accountId();

    String commandId();
  }

  public record Open(String accountId, String commandId, String owner) implements AccountCommand {
  }

  public record Deposit(String accountId, String commandId, long amount) implements AccountCommand {
  }

  public record Withdraw(String accountId, String commandId, long amount) implements AccountCommand {
  }

  /** Events say what happened, with the balance after it. */
  public sealed interface AccountEvent {
  }

  public record Opened(String owner) implements AccountEvent {
  }

  public record Deposited(long amount, long balance) implements AccountEvent {
  }

  public record Withdrawn(long amount, long balance) implements AccountEvent {
  }

  /** The state: just what decisions need. */
  public record Account(boolean open, String owner, long balance) {
  }

  /** The decider: pure functions, no framework type in commands, events or state. */
  public static final class AccountDecider implements Decider<AccountCommand, AccountEvent, Account> {

    @Override
    public Account initialState() {
      return new Account(false, "", 0);
    }

    @Override
    public Decision<AccountEvent> decide(AccountCommand command, Account account) {
      if (command instanceof Open open) {
        return account.open()
            ? Decision.reject("already-open", "account " + open.accountId() + " is already open")
            : Decision.accept(new Opened(open.owner()));
      }
      if (!account.open()) {
        return Decision.reject("not-open", "account " + command.accountId() + " is not open");
      }
      if (command instanceof Deposit deposit) {
        ensurePositive(deposit.amount());
        return Decision.accept(new Deposited(deposit.amount(), account.balance() + deposit.amount()));
      }
      Withdraw withdraw = (Withdraw) command;
      ensurePositive(withdraw.amount());
      return withdraw.amount() > account.balance()
          ? Decision.reject("insufficient-funds", "balance " + account.balance() + " < " + withdraw.amount())
          : Decision.accept(new Withdrawn(withdraw.amount(), account.balance() - withdraw.amount()));
    }

    @Override
    public Account evolve(Account account, AccountEvent event) {
      if (event instanceof Opened opened) {
        return new Account(true, opened.owner(), 0);
      }
      long balance = event instanceof Deposited deposited ? deposited.balance() : ((Withdrawn) event).balance();
      return new Account(true, account.owner(), balance);
    }

    private static void ensurePositive(long amount) {
      if (amount <= 0) {
        throw new CommandValidationException("amount", amount, "must be positive");
      }
    }
  }

  /** The registration: topic, ids, stable event type names, a snapshot every {@code snapshotEvery} events. */
  public static AggregateType<AccountCommand, AccountEvent, Account> type(String topic, int snapshotEvery) {
    return AggregateType.builder(topic, new AccountDecider())
        .aggregateId(AccountCommand::accountId)
        .commandId(AccountCommand::commandId)
        .eventCodec(JsonEventCodec.builder(AccountEvent.class)
            .type("AccountOpened", Opened.class)
            .type("MoneyDeposited", Deposited.class)
            .type("MoneyWithdrawn", Withdrawn.class)
            .build())
        .snapshots(SnapshotPolicy.everyEvents(snapshotEvery), JacksonSnapshotCodec.of(Account.class, 1))
        .build();
  }

  private Accounts() {
  }
}
// end::domain[]
