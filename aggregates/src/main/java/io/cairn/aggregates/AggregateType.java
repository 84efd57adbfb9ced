package io.cairn.aggregates;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.serde.EventCodec;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registration of one aggregate type: its decider, the topic its events live in, how to find the
 * aggregate id and the command id in a command, the codec of its events (stable type names, never Java
 * class names) and its snapshot policy. Immutable and thread-safe; build one with {@link #builder}.
 *
 * <p>Snapshots, when enabled, go to the compacted topic {@link #snapshotTopic()} ({@code <topic>-snapshots}),
 * keyed by aggregate id.
 *
 * @param <C> the command family
 * @param <E> the event family
 * @param <S> the state
 */
public final class AggregateType<C, E, S> {

  /** Appended to the event topic's name to name the snapshot topic. */
  public static final String SNAPSHOT_TOPIC_SUFFIX = "-snapshots";
  /** Longest event topic name: the snapshot topic's name must stay within Kafka's 249 characters. */
  public static final int MAX_TOPIC_LENGTH = 249 - SNAPSHOT_TOPIC_SUFFIX.length();

  private final String topic;
  private final Decider<C, E, S> decider;
  private final Function<? super C, String> aggregateId;
  private final Function<? super C, String> commandId;
  private final Function<? super C, String> correlationId;
  private final EventCodec<E> eventCodec;
  private final SnapshotPolicy snapshotPolicy;
  private final SnapshotCodec<S> snapshotCodec;
  private final TopicConfig topicConfig;

  private AggregateType(Builder<C, E, S> builder) {
    this.topic = builder.topic;
    this.decider = builder.decider;
    this.aggregateId = require(builder.aggregateId, "aggregateId");
    this.commandId = require(builder.commandId, "commandId");
    this.correlationId = builder.correlationId;
    this.eventCodec = require(builder.eventCodec, "eventCodec");
    this.snapshotPolicy = builder.snapshotPolicy;
    this.snapshotCodec = builder.snapshotCodec;
    this.topicConfig = new TopicConfig(builder.topicConfig);
  }

  /** Starts the registration of an aggregate type whose events live in {@code topic}. */
  public static <C, E, S> Builder<C, E, S> builder(String topic, Decider<C, E, S> decider) {
    return new Builder<>(topic, decider);
  }

  /** The event topic. */
  public String topic() {
    return topic;
  }

  /** The compacted topic holding the latest snapshot of each aggregate. */
  public String snapshotTopic() {
    return topic + SNAPSHOT_TOPIC_SUFFIX;
  }

  public Decider<C, E, S> decider() {
    return decider;
  }

  /** The aggregate id {@code command} is for. */
  public String aggregateIdOf(C command) {
    return aggregateId.apply(command);
  }

  /** The id of {@code command}: the causation id of its events and the key of its idempotence. */
  public String commandIdOf(C command) {
    return commandId.apply(command);
  }

  /** The correlation id to write on {@code command}'s events, if the registration gives one. */
  public Optional<String> correlationIdOf(C command) {
    return correlationId == null ? Optional.empty() : Optional.ofNullable(correlationId.apply(command));
  }

  public EventCodec<E> eventCodec() {
    return eventCodec;
  }

  public SnapshotPolicy snapshotPolicy() {
    return snapshotPolicy;
  }

  /** The snapshot codec; present whenever {@link #snapshotPolicy()} is enabled. */
  public Optional<SnapshotCodec<S>> snapshotCodec() {
    return Optional.ofNullable(snapshotCodec);
  }

  /** The configuration the event topic is created with if it does not exist (a copy). */
  public TopicConfig topicConfig() {
    return new TopicConfig(topicConfig);
  }

  private static <T> T require(T value, String setting) {
    if (value == null) {
      throw new InvalidInputException(setting, null, "must be set on the aggregate type");
    }
    return value;
  }

  /**
   * Builds an {@link AggregateType}. Not thread-safe.
   *
   * @param <C> the command family
   * @param <E> the event family
   * @param <S> the state
   */
  public static final class Builder<C, E, S> {

    private final String topic;
    private final Decider<C, E, S> decider;
    private Function<? super C, String> aggregateId;
    private Function<? super C, String> commandId;
    private Function<? super C, String> correlationId;
    private EventCodec<E> eventCodec;
    private SnapshotPolicy snapshotPolicy = SnapshotPolicy.NONE;
    private SnapshotCodec<S> snapshotCodec;
    private TopicConfig topicConfig = new TopicConfig();

    private Builder(String topic, Decider<C, E, S> decider) {
      if (topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
        throw new InvalidInputException("topic", topic, "must be 1 to " + MAX_TOPIC_LENGTH
            + " characters (room for the suffix " + SNAPSHOT_TOPIC_SUFFIX + ")");
      }
      this.topic = topic;
      this.decider = Objects.requireNonNull(decider, "decider");
    }

    /** How to find the aggregate id in a command (required). */
    public Builder<C, E, S> aggregateId(Function<? super C, String> aggregateId) {
      this.aggregateId = Objects.requireNonNull(aggregateId, "aggregateId");
      return this;
    }

    /** How to find the command id in a command (required); a resend MUST carry the same id. */
    public Builder<C, E, S> commandId(Function<? super C, String> commandId) {
      this.commandId = Objects.requireNonNull(commandId, "commandId");
      return this;
    }

    /** How to find the correlation id in a command (optional; without it no correlation header is written). */
    public Builder<C, E, S> correlationId(Function<? super C, String> correlationId) {
      this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
      return this;
    }

    /** The codec of the events (required), e.g. {@code JsonEventCodec} mapping type names to records. */
    public Builder<C, E, S> eventCodec(EventCodec<E> eventCodec) {
      this.eventCodec = Objects.requireNonNull(eventCodec, "eventCodec");
      return this;
    }

    /** Takes snapshots by {@code policy}, written with {@code codec}. */
    public Builder<C, E, S> snapshots(SnapshotPolicy policy, SnapshotCodec<S> codec) {
      this.snapshotPolicy = Objects.requireNonNull(policy, "policy");
      this.snapshotCodec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** The configuration to create the event topic with if it is missing (default: every default). */
    public Builder<C, E, S> topicConfig(TopicConfig topicConfig) {
      this.topicConfig = new TopicConfig(topicConfig);
      return this;
    }

    /** The registration; throws {@link InvalidInputException} naming a required setting that is missing. */
    public AggregateType<C, E, S> build() {
      return new AggregateType<>(this);
    }
  }
}
