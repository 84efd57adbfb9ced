package io.cairn.node.internal.protocol;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections of all event loops: admission against {@code max.connections} and the set that a
 * stopping node drains. Thread-safe (an atomic count and a concurrent set).
 */
final class ConnectionRegistry {

  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final Set<ProtocolConnection> connections = ConcurrentHashMap.newKeySet();

  ConnectionRegistry(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** Takes a slot for a new connection; false when {@code max.connections} are open (nothing taken). */
  boolean tryAdmit() {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Adds an admitted connection; its slot is given back when it closes. */
  void add(ProtocolConnection connection) {
    connections.add(connection);
    connection.closed().onComplete(ignored -> {
      connections.remove(connection);
      open.decrementAndGet();
    });
  }

  /** Connections open now. */
  int openConnections() {
    return open.get();
  }

  /** Connections that stopped reading because of backpressure, now. */
  int pausedConnections() {
    return (int) connections.stream().filter(ProtocolConnection::isReadingPaused).count();
  }

  /** Drains every connection; completes when all have closed. */
  Future<Void> drainAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (ProtocolConnection connection : connections) {
      connection.drain();
      closing.add(connection.closed());
    }
    return Future.join(closing).mapEmpty();
  }

  /** Closes every connection still open. */
  void closeAll() {
    connections.forEach(ProtocolConnection::forceClose);
  }
}
