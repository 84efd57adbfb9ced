package io.cairn.aggregates.contract;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.Decider;
import io.cairn.aggregates.Decision;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.serde.JsonEventCodec;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decider whose {@code evolve} throws while the gateway applies events it has just appended: the command
 * fails, and the gateway must not keep the half-updated state (ADR 0009: a failure evicts the aggregate),
 * or the next conflict's catch-up would apply the same events a second time.
 */
class EvolveFailureTest {

  /** Adds {@code count} ones to a counter, or, with {@code count} 0, checks that it holds {@code expected}. */
  record Add(String counterId, String commandId, int count, long expected) {
  }

  /** One was added. */
  record Added(long one) {
  }

  @TempDir
  Path workDir;
  private Vertx vertx;
  private EventStore store;
  private CommandGateway<Add, Added> gateway;
  /** Set to make the next evolve of a second event throw, once. */
  private final AtomicBoolean poisonSecondEvent = new AtomicBoolean();

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(workDir)));
    gateway = await(CommandGateways.create(vertx, store, AggregateType.builder("counters", new CounterDecider())
        .aggregateId(Add::counterId)
        .commandId(Add::commandId)
        .eventCodec(JsonEventCodec.builder(Added.class).type("Added", Added.class).build())
        .build(), new GatewayOptions()));
  }

  @AfterEach
  void close() {
    await(gateway.close());
    await(store.close());
    await(vertx.close());
  }

  @Test
  void aFailedEvolveAfterTheAppendEvictsTheAggregate() {
    // given: the two events of the first command are appended, then evolving the second one throws
    poisonSecondEvent.set(true);
    Throwable failed = failureOf(() -> gateway.send(new Add("c", "cmd-1", 2, 0)));
    assertThat(failed).hasMessageContaining("poisoned");

    // when: another write of the same counter, then a check of its value
    assertThat(await(gateway.send(new Add("c", "cmd-2", 1, 0)))).isInstanceOf(CommandResult.Accepted.class);
    CommandResult<Added> check = await(gateway.send(new Add("c", "cmd-3", 0, 3)));

    // then: 2 + 1, each event applied once
    assertThat(check).as("the counter after 2 + 1 ones").isInstanceOf(CommandResult.Accepted.class);
  }

  /** A counter; {@code evolve} throws on a second event once {@link #poisonSecondEvent} is set. */
  private final class CounterDecider implements Decider<Add, Added, long[]> {

    @Override
    public long[] initialState() {
      return new long[] {0, 0};
    }

    @Override
    public Decision<Added> decide(Add command, long[] state) {
      if (command.count() == 0) {
        return state[0] == command.expected() ? Decision.accept(List.of())
            : Decision.reject("WrongCount", "count is " + state[0] + ", not " + command.expected());
      }
      return Decision.accept(Collections.nCopies(command.count(), new Added(1)));
    }

    /** The state is {count, events seen by this evolve chain}; a fresh array each time, as deciders must. */
    @Override
    public long[] evolve(long[] state, Added event) {
      if (state[1] % 2 == 1 && poisonSecondEvent.getAndSet(false)) {
        throw new IllegalStateException("poisoned evolve");
      }
      return new long[] {state[0] + event.one(), state[1] + 1};
    }
  }
}
