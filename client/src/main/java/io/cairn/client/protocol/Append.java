package io.cairn.client.protocol;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.ProducerInfo;
import java.util.List;
import java.util.Objects;

/**
 * Append (api key 5): events of one aggregate with an expected version ({@code EventStore.append}).
 */
public final class Append {

  /** {@code expected_kind}: no check. */
  public static final byte EXPECTED_ANY = 0;
  /** {@code expected_kind}: the stream has at least one event. */
  public static final byte EXPECTED_STREAM_EXISTS = 1;
  /** {@code expected_kind}: the stream's version is exactly {@code expected_version} (0 = no stream). */
  public static final byte EXPECTED_EXACT = 2;
  /** {@code outcome}: the events are stored. */
  public static final byte OUTCOME_APPENDED = 0;
  /** {@code outcome}: nothing stored, the stream's version did not match. */
  public static final byte OUTCOME_VERSION_CONFLICT = 1;

  private Append() {
  }

  /**
   * The request, field by field as on the wire. The fields are checked only by {@link #toAppendRequest()},
   * so that a bad value is an {@link ErrorCode#INVALID_INPUT} answer, not a malformed frame.
   *
   * @param expectedKind    {@link #EXPECTED_ANY}, {@link #EXPECTED_STREAM_EXISTS} or {@link #EXPECTED_EXACT}
   * @param expectedVersion the version for {@link #EXPECTED_EXACT}, else -1
   * @param producerId      -1 for none
   * @param producerEpoch   -1 for none
   * @param baseSequence    -1 for none
   */
  public record Request(String topic, String aggregateId, byte expectedKind, long expectedVersion, long producerId,
                        short producerEpoch, int baseSequence, List<EventData> events) implements RequestBody {

    public Request {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(aggregateId, "aggregateId");
      events = List.copyOf(events);
    }

    /** The wire form of an event store append. */
    public static Request of(AppendRequest request) {
      ProducerInfo producer = request.producer();
      ExpectedVersion expected = request.expectedVersion();
      byte kind = EXPECTED_ANY;
      long version = -1;
      if (expected instanceof ExpectedVersion.StreamExists) {
        kind = EXPECTED_STREAM_EXISTS;
      } else if (expected instanceof ExpectedVersion.Exact exact) {
        kind = EXPECTED_EXACT;
        version = exact.version();
      }
      return new Request(request.topic(), request.aggregateId(), kind, version, producer.producerId(),
          producer.producerEpoch(), producer.baseSequence(), request.events());
    }

    /** The expected version these fields describe; throws {@link InvalidInputException} naming a bad field. */
    public ExpectedVersion expected() {
      return switch (expectedKind) {
        case EXPECTED_ANY -> ExpectedVersion.ANY;
        case EXPECTED_STREAM_EXISTS -> ExpectedVersion.STREAM_EXISTS;
        case EXPECTED_EXACT -> ExpectedVersion.exactly(expectedVersion);
        default -> throw new InvalidInputException("expected_kind", expectedKind,
            "must be 0 (any), 1 (stream exists) or 2 (exact version)");
      };
    }

    /** The event store append these fields describe; throws {@link InvalidInputException} naming a bad field. */
    public AppendRequest toAppendRequest() {
      return new AppendRequest(topic, aggregateId, expected(), events,
          new ProducerInfo(producerId, producerEpoch, baseSequence));
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.APPEND;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeString("topic", topic)
          .writeString("aggregate_id", aggregateId)
          .writeInt8(expectedKind)
          .writeInt64(expectedVersion)
          .writeInt64(producerId)
          .writeInt16(producerEpoch)
          .writeInt32(baseSequence)
          .writeArray(events, Structures::writeEvent);
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readString("topic"), in.readString("aggregate_id"), in.readInt8("expected_kind"),
          in.readInt64("expected_version"), in.readInt64("producer_id"), in.readInt16("producer_epoch"),
          in.readInt32("base_sequence"), in.readArray("events", Structures.MIN_EVENT_BYTES, Structures::readEvent));
    }
  }

  /**
   * The response, field by field as on the wire; {@link #toResult(ExpectedVersion)} gives the event store's
   * {@link AppendResult}. On error every number is -1 and the outcome {@link #OUTCOME_APPENDED}.
   *
   * @param outcome       {@link #OUTCOME_APPENDED} or {@link #OUTCOME_VERSION_CONFLICT}
   * @param firstOffset   appended: offset of the first event; conflict: -1
   * @param lastOffset    appended: offset of the last event; conflict: -1
   * @param firstVersion  appended: version of the first event; conflict: -1
   * @param newVersion    appended: version of the last event; conflict: -1
   * @param duplicate     appended: a retry, nothing new stored
   * @param actualVersion conflict: the stream's version; appended: {@code newVersion}
   */
  public record Response(ErrorCode errorCode, String errorMessage, int partition, byte outcome, long firstOffset,
                         long lastOffset, long firstVersion, long newVersion, boolean duplicate, long actualVersion)
      implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The wire form of an append's result. */
    public static Response of(AppendResult result) {
      if (result instanceof AppendResult.VersionConflict conflict) {
        return new Response(ErrorCode.NONE, null, conflict.partition(), OUTCOME_VERSION_CONFLICT, -1, -1, -1, -1,
            false, conflict.actualVersion());
      }
      AppendResult.Appended a = (AppendResult.Appended) result;
      return new Response(ErrorCode.NONE, null, a.partition(), OUTCOME_APPENDED, a.firstOffset(), a.lastOffset(),
          a.firstVersion(), a.newVersion(), a.duplicate(), a.newVersion());
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, -1, OUTCOME_APPENDED, -1, -1, -1, -1, false, -1);
    }

    /**
     * The event store's result, for a request that expected {@code expected} (the wire does not repeat it).
     *
     * @throws IllegalStateException when this is an error response
     */
    public AppendResult toResult(ExpectedVersion expected) {
      if (isError()) {
        throw new IllegalStateException("an error response (" + errorCode + ") has no append result");
      }
      if (outcome == OUTCOME_VERSION_CONFLICT) {
        return new AppendResult.VersionConflict(partition, expected, actualVersion);
      }
      return new AppendResult.Appended(partition, firstOffset, lastOffset, firstVersion, newVersion, duplicate);
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.APPEND;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      if (isError()) {
        return;
      }
      out.writeInt32(partition)
          .writeInt8(outcome)
          .writeInt64(firstOffset)
          .writeInt64(lastOffset)
          .writeInt64(firstVersion)
          .writeInt64(newVersion)
          .writeBoolean(duplicate)
          .writeInt64(actualVersion);
    }

    /** Decodes a response; an {@code outcome} other than 0 or 1 is malformed. */
    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      int partition = in.readInt32("partition");
      int outcomeAt = in.position();
      byte outcome = in.readInt8("outcome");
      if (outcome != OUTCOME_APPENDED && outcome != OUTCOME_VERSION_CONFLICT) {
        throw new MalformedFrameException("field outcome at byte " + outcomeAt
            + ": must be 0 (appended) or 1 (version conflict), is " + outcome);
      }
      return new Response(errorCode, errorMessage, partition, outcome, in.readInt64("first_offset"),
          in.readInt64("last_offset"), in.readInt64("first_version"), in.readInt64("new_version"),
          in.readBoolean("duplicate"), in.readInt64("actual_version"));
    }
  }
}
