package io.cairn.bench;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.Decider;
import io.cairn.aggregates.Decision;
import io.cairn.aggregates.JacksonSnapshotCodec;
import io.cairn.aggregates.SnapshotPolicy;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.serde.EventCodec;
import io.cairn.eventstore.serde.EventMetadata;
import io.cairn.eventstore.serde.JsonEventCodec;
import io.cairn.eventstore.serde.SerializedEvent;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The aggregate of {@code bench commands}: a counter. Every {@link Increment} is accepted with exactly one
 * {@link Incremented} event carrying the new count and the command's note, so the size of an event's JSON
 * payload is set by the note ({@link #note}). Stateless; the decider is pure and thread-safe.
 */
public final class Counters {

  /** The stable type name of {@link Incremented}. */
  public static final String EVENT_TYPE = "CounterIncremented";
  /** Schema version of the snapshots the counter type writes. */
  public static final int SNAPSHOT_SCHEMA_VERSION = 1;

  private static final EventCodec<Incremented> CODEC = JsonEventCodec.builder(Incremented.class)
      .type(EVENT_TYPE, Incremented.class)
      .build();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Counters() {
  }

  /**
   * Adds one to a counter.
   *
   * @param counterId the aggregate id
   * @param commandId the command id (causation id of the event)
   * @param note      copied into the event
   */
  public record Increment(String counterId, String commandId, String note) {
  }

  /**
   * A counter was incremented.
   *
   * @param count the count after it
   * @param note  the command's note
   */
  public record Incremented(long count, String note) {
  }

  /** The state: the count. */
  public record Count(long count) {
  }

  /** Every increment is accepted with one event. */
  public static final class CounterDecider implements Decider<Increment, Incremented, Count> {

    @Override
    public Count initialState() {
      return new Count(0);
    }

    @Override
    public Decision<Incremented> decide(Increment command, Count state) {
      return Decision.accept(new Incremented(state.count() + 1, command.note()));
    }

    @Override
    public Count evolve(Count state, Incremented event) {
      return new Count(event.count());
    }
  }

  /**
   * The counter type over {@code topic} (created with {@code topicConfig} if missing), with a snapshot every
   * {@code snapshotEvery} events, or none when it is 0.
   */
  public static AggregateType<Increment, Incremented, Count> type(String topic, TopicConfig topicConfig,
                                                                  int snapshotEvery) {
    AggregateType.Builder<Increment, Incremented, Count> builder = AggregateType.builder(topic, new CounterDecider())
        .aggregateId(Increment::counterId)
        .commandId(Increment::commandId)
        .eventCodec(CODEC)
        .topicConfig(topicConfig);
    if (snapshotEvery > 0) {
      builder.snapshots(SnapshotPolicy.everyEvents(snapshotEvery),
          JacksonSnapshotCodec.of(Count.class, SNAPSHOT_SCHEMA_VERSION));
    }
    return builder.build();
  }

  /** The codec of the counter's events (the one {@link #type} registers). */
  public static EventCodec<Incremented> codec() {
    return CODEC;
  }

  /**
   * A note of random hex digits such that the JSON payload of {@code Incremented(count, note)} is exactly
   * {@code payloadBytes} long for a one-digit count (each further digit of the count adds a byte).
   *
   * @throws InvalidInputException naming {@code payload-bytes} if even an empty note is longer
   */
  public static String note(int payloadBytes, SplittableRandom random) {
    int frameBytes = CODEC.encode(new Incremented(0, "")).payload().length;
    if (payloadBytes < frameBytes) {
      throw new InvalidInputException("payload-bytes", payloadBytes, "must be at least " + frameBytes
          + " (the JSON of a counter event with an empty note)");
    }
    char[] note = new char[payloadBytes - frameBytes];
    for (int i = 0; i < note.length; i++) {
      note[i] = HEX[random.nextInt(HEX.length)];
    }
    return new String(note);
  }

  /**
   * The event the command gateway writes for {@code event} caused by {@code commandId}: the codec's type
   * name and payload and the same headers ({@code causation-id}, {@code content-type}), with
   * {@code eventId}. For appending the same events without the gateway.
   */
  public static EventData eventData(UUID eventId, SerializedEvent event, String commandId) {
    return new EventData(eventId, event.type(), event.payload(), EventMetadata.headers(event, null, commandId));
  }
}
