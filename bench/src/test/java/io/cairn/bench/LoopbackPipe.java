package io.cairn.bench;

import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * A test stand-in for a server with a producer and a consumer: {@link #sink()} queues each record, one
 * delivery thread acknowledges it (or fails it when {@code failWhen} says so for its sequence number)
 * and hands it to the {@link #source()}'s handler. Thread-safe.
 */
final class LoopbackPipe implements AutoCloseable {

  private record Sent(int aggregateIndex, byte[] payload, RecordSink.SendCallback callback) {
  }

  private final LinkedBlockingQueue<Sent> queue = new LinkedBlockingQueue<>();
  private final IntPredicate failWhen;
  private final Thread delivery;
  private volatile Consumer<byte[]> handler = payload -> { };
  private volatile boolean closed;
  private int delivered;
  final int[] recordsPerAggregate;

  LoopbackPipe(int aggregates, IntPredicate failWhen) {
    this.failWhen = failWhen;
    this.recordsPerAggregate = new int[aggregates];
    this.delivery = new Thread(this::deliver, "loopback-pipe");
    delivery.setDaemon(true);
    delivery.start();
  }

  private void deliver() {
    try {
      while (!closed) {
        Sent sent = queue.poll(10, TimeUnit.MILLISECONDS);
        if (sent == null) {
          continue;
        }
        int sequence = delivered++;
        if (failWhen.test(sequence)) {
          sent.callback().completed(new IllegalStateException("record " + sequence + " refused"));
          continue;
        }
        recordsPerAggregate[sent.aggregateIndex()]++;
        sent.callback().completed(null);
        handler.accept(sent.payload());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  RecordSink sink() {
    return new RecordSink() {
      @Override
      public void send(int aggregateIndex, byte[] payload, SendCallback callback) {
        queue.add(new Sent(aggregateIndex, payload, callback));
      }

      @Override
      public void flush() {
        // the delivery thread empties the queue on its own; ProducerRun waits for the callbacks
      }

      @Override
      public void close() {
        // the pipe is closed by its owner
      }
    };
  }

  RecordSource source() {
    return new RecordSource() {
      @Override
      public void start(Consumer<byte[]> newHandler) {
        handler = newHandler;
      }

      @Override
      public Optional<Throwable> failure() {
        return Optional.empty();
      }

      @Override
      public void close() {
        handler = payload -> { };
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    delivery.join(TimeUnit.SECONDS.toMillis(10));
  }
}
