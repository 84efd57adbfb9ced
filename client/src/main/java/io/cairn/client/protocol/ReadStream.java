package io.cairn.client.protocol;

import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import java.util.List;
import java.util.Objects;

/** ReadStream (api key 8): a page of one aggregate's stream ({@code EventStore.readStream}). */
public final class ReadStream {

  private ReadStream() {
  }

  /**
   * The request; the node checks the bounds.
   *
   * @param fromVersion the first version to read, at least 1
   * @param maxCount    the most events to return, at least 1
   */
  public record Request(String topic, String aggregateId, long fromVersion, int maxCount) implements RequestBody {

    public Request {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(aggregateId, "aggregateId");
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.READ_STREAM;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeString("topic", topic).writeString("aggregate_id", aggregateId).writeInt64(fromVersion)
          .writeInt32(maxCount);
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readString("topic"), in.readString("aggregate_id"), in.readInt64("from_version"),
          in.readInt32("max_count"));
    }
  }

  /**
   * The response; on error -1s, false and no events. The events' topic and partition are not on the wire:
   * {@link #decode} takes the topic from the request and the partition from this response.
   *
   * @param partition      the partition the aggregate lives in
   * @param nextVersion    the version to read from next
   * @param currentVersion the stream's version (0 = no events)
   * @param endOfStream    the events reach the stream's current version
   * @param events         in version order
   */
  public record Response(ErrorCode errorCode, String errorMessage, int partition, long nextVersion,
                         long currentVersion, boolean endOfStream, List<StoredEvent> events) implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
      events = List.copyOf(events);
    }

    /** The wire form of a slice read from {@code partition}. */
    public static Response of(int partition, StreamSlice slice) {
      return new Response(ErrorCode.NONE, null, partition, slice.nextVersion(), slice.currentVersion(),
          slice.endOfStream(), slice.events());
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, -1, -1, -1, false, List.of());
    }

    /**
     * The event store's slice of {@code topic} and {@code aggregateId} (the wire does not repeat them).
     *
     * @throws IllegalStateException when this is an error response
     */
    public StreamSlice toSlice(String topic, String aggregateId) {
      if (isError()) {
        throw new IllegalStateException("an error response (" + errorCode + ") has no stream slice");
      }
      return new StreamSlice(topic, aggregateId, events, nextVersion, currentVersion, endOfStream);
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.READ_STREAM;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      if (isError()) {
        return;
      }
      out.writeInt32(partition)
          .writeInt64(nextVersion)
          .writeInt64(currentVersion)
          .writeBoolean(endOfStream)
          .writeArray(events, Structures::writeStoredEvent);
    }

    /** Decodes a response to a request for {@code topic}. */
    public static Response decode(ProtocolReader in, String topic) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      int partition = in.readInt32("partition");
      return new Response(errorCode, errorMessage, partition, in.readInt64("next_version"),
          in.readInt64("current_version"), in.readBoolean("end_of_stream"), in.readArray("events",
              Structures.MIN_STORED_EVENT_BYTES, r -> Structures.readStoredEvent(r, topic, partition)));
    }
  }
}
