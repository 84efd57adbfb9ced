package io.cairn.client.protocol;

import io.cairn.eventstore.FetchResult;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Fetch (api key 7): raw record batches of many partitions at once, with a long poll
 * ({@code EventStore.fetch}). Batches travel as raw bytes: decoding shares the frame's memory.
 */
public final class Fetch {

  private Fetch() {
  }

  /**
   * One partition to read.
   *
   * @param fetchOffset       the offset to read from
   * @param partitionMaxBytes soft limit for this partition's records
   */
  public record PartitionData(int partition, long fetchOffset, int partitionMaxBytes) {

    static final int BYTES = Integer.BYTES + Long.BYTES + Integer.BYTES;
  }

  /**
   * The request.
   *
   * @param maxWaitMs long poll: wait up to this long for any requested partition to have records
   * @param maxBytes  soft limit for the whole response (at least one batch if any is there)
   */
  public record Request(int maxWaitMs, int maxBytes, List<TopicItems<PartitionData>> topics) implements RequestBody {

    public Request {
      topics = List.copyOf(topics);
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.FETCH;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeInt32(maxWaitMs).writeInt32(maxBytes);
      TopicArrays.write(out, topics,
          (p, partition) -> p.writeInt32(partition.partition())
              .writeInt64(partition.fetchOffset())
              .writeInt32(partition.partitionMaxBytes()));
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readInt32("max_wait_ms"), in.readInt32("max_bytes"), TopicArrays.read(in,
          PartitionData.BYTES, p -> new PartitionData(p.readInt32("partition"), p.readInt64("fetch_offset"),
              p.readInt32("partition_max_bytes"))));
    }
  }

  /**
   * One partition's records; on error -1, -1 and no records.
   *
   * @param highWatermark  end of what readers may see
   * @param logStartOffset first offset still stored
   * @param records        whole batches as stored, possibly starting before the fetch offset; empty when there
   *                       is nothing yet
   */
  public record PartitionResponse(int partition, ErrorCode errorCode, String errorMessage, long highWatermark,
                                  long logStartOffset, ByteBuffer records) {

    static final int MIN_BYTES = Integer.BYTES + Short.BYTES + ProtocolReader.STRING_LENGTH_BYTES + 2 * Long.BYTES
        + ProtocolReader.BYTES_LENGTH_BYTES;
    private static final ByteBuffer NO_RECORDS = ByteBuffer.allocate(0).asReadOnlyBuffer();

    public PartitionResponse {
      Objects.requireNonNull(errorCode, "errorCode");
      Objects.requireNonNull(records, "records");
    }

    /** The wire form of a store fetch. */
    public static PartitionResponse of(FetchResult result) {
      return new PartitionResponse(result.partition(), ErrorCode.NONE, null, result.highWatermark(),
          result.logStartOffset(), result.records());
    }

    public static PartitionResponse error(int partition, ErrorCode errorCode, String errorMessage) {
      return new PartitionResponse(partition, errorCode, errorMessage, -1, -1, NO_RECORDS);
    }

    /**
     * The event store's result, for a fetch of {@code topic} from {@code fromOffset} (the wire does not repeat
     * them).
     *
     * @throws IllegalStateException when this partition failed
     */
    public FetchResult toResult(String topic, long fromOffset) {
      if (errorCode != ErrorCode.NONE) {
        throw new IllegalStateException("partition " + partition + " failed (" + errorCode + ") and has no result");
      }
      return new FetchResult(topic, partition, fromOffset, records, highWatermark, logStartOffset);
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
      return ApiKey.FETCH;
    }

    @Override
    public int sizeHint() {
      return Short.BYTES + TopicArrays.nullableStringSizeHint(errorMessage) + TopicArrays.sizeHint(topics,
          partition -> Integer.BYTES + Short.BYTES + TopicArrays.nullableStringSizeHint(partition.errorMessage())
              + 2 * Long.BYTES + ProtocolReader.BYTES_LENGTH_BYTES + partition.records().remaining());
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
              .writeInt64(partition.highWatermark())
              .writeInt64(partition.logStartOffset())
              .writeBytes(partition.records()));
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      return new Response(errorCode, errorMessage, TopicArrays.read(in, PartitionResponse.MIN_BYTES,
          p -> new PartitionResponse(p.readInt32("partition"), p.readErrorCode("error_code"),
              p.readNullableString("error_message"), p.readInt64("high_watermark"), p.readInt64("log_start_offset"),
              p.readBytesView("records"))));
    }
  }
}
