package io.cairn.eventstore.serde;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A small sealed event family for the codec tests. */
sealed interface BankEvents {

  record AccountOpened(String accountId, String owner, long balanceCents, Instant openedAt,
                       Optional<String> nickname) implements BankEvents {
  }

  record MoneyDeposited(String accountId, BigDecimal amount, List<String> tags) implements BankEvents {
  }

  record AccountClosed(String accountId, Integer reasonCode) implements BankEvents {
  }
}
