package io.cairn.node.client;

import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.contract.StoreTestSupport;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Helpers for the client tests of this package. Stateless. */
final class ClientTestSupport {

  private ClientTestSupport() {
  }

  /** Awaits {@code future} (30 s at most), failing the test if it fails. */
  static <T> T await(Future<T> future) {
    return StoreTestSupport.await(future);
  }

  /** The failure of {@code future}, failing the test if it succeeds. */
  static Throwable failureOf(Future<?> future) {
    return StoreTestSupport.failureOf(() -> future);
  }

  /** Awaits every future of {@code futures} in order and maps each result. */
  static <T, R> List<R> awaitAll(List<Future<T>> futures, Function<T, R> map) {
    List<R> results = new ArrayList<>(futures.size());
    for (Future<T> future : futures) {
      results.add(map.apply(await(future)));
    }
    return results;
  }

  /** The payloads of {@code events} as strings. */
  static List<String> payloads(List<StoredEvent> events) {
    List<String> payloads = new ArrayList<>(events.size());
    for (StoredEvent event : events) {
      payloads.add(new String(event.payload(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return payloads;
  }
}
