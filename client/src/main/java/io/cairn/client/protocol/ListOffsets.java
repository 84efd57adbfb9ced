package io.cairn.client.protocol;

import java.util.List;
import java.util.Objects;

/**
 * ListOffsets (api key 9): for each partition the earliest offset, the latest, or the first at or after a
 * timestamp ({@code EventStore.offsetForTimestamp}).
 */
public final class ListOffsets {

  /** {@code timestamp}: the log start offset. */
  public static final long EARLIEST_TIMESTAMP = -2;
  /** {@code timestamp}: the high watermark. */
  public static final long LATEST_TIMESTAMP = -1;

  private ListOffsets() {
  }

  /**
   * One partition to look up.
   *
   * @param timestamp {@link #EARLIEST_TIMESTAMP}, {@link #LATEST_TIMESTAMP}, or ms since the epoch
   */
  public record PartitionData(int partition, long timestamp) {

    static final int BYTES = Integer.BYTES + Long.BYTES;
  }

  /** The request. */
  public record Request(List<TopicItems<PartitionData>> topics) implements RequestBody {

    public Request {
      topics = List.copyOf(topics);
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.LIST_OFFSETS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      TopicArrays.write(out, topics,
          (p, partition) -> p.writeInt32(partition.partition()).writeInt64(partition.timestamp()));
    }

    public static Request decode(ProtocolReader in) {
      return new Request(TopicArrays.read(in, PartitionData.BYTES,
          p -> new PartitionData(p.readInt32("partition"), p.readInt64("timestamp"))));
    }
  }

  /** One partition's offset; -1 on error. */
  public record PartitionResponse(int partition, ErrorCode errorCode, String errorMessage, long offset) {

    static final int MIN_BYTES = Integer.BYTES + Short.BYTES + ProtocolReader.STRING_LENGTH_BYTES + Long.BYTES;

    public PartitionResponse {
      Objects.requireNonNull(errorCode, "errorCode");
    }

    public static PartitionResponse of(int partition, long offset) {
      return new PartitionResponse(partition, ErrorCode.NONE, null, offset);
    }

    public static PartitionResponse error(int partition, ErrorCode errorCode, String errorMessage) {
      return new PartitionResponse(partition, errorCode, errorMessage, -1);
    }
  }

  /**
   * The response.
   *
   * @param topics per topic and partition, in request order; empty on error
   */
  public record Response(ErrorCode errorCode, String errorMessage, List<TopicItems<PartitionResponse>> topics)
      implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
      topics = List.copyOf(topics);
    }

    public static Response of(List<TopicItems<PartitionResponse>> topics) {
      return new Response(ErrorCode.NONE, null, topics);
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.LIST_OFFSETS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      if (isError()) {
        return;
      }
      TopicArrays.write(out, topics,
          (p, partition) -> p.writeInt32(partition.partition())
              .writeErrorCode(partition.errorCode())
              .writeNullableString("error_message", partition.errorMessage())
              .writeInt64(partition.offset()));
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      return new Response(errorCode, errorMessage, TopicArrays.read(in, PartitionResponse.MIN_BYTES,
          p -> new PartitionResponse(p.readInt32("partition"), p.readErrorCode("error_code"),
              p.readNullableString("error_message"), p.readInt64("offset"))));
    }
  }
}
