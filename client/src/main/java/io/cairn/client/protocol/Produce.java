package io.cairn.client.protocol;

import io.cairn.eventstore.ProduceResult;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Produce (api key 6): ready-made record batches for many partitions at once ({@code EventStore.produce}).
 * Batches travel as raw bytes: decoding shares the frame's memory instead of copying.
 */
public final class Produce {

  /** {@code acks}: no response at all. */
  public static final short ACKS_NONE = 0;
  /** {@code acks}: respond when the topic's durability is met. */
  public static final short ACKS_LEADER = 1;
  /** {@code acks}: as {@link #ACKS_LEADER} on a single node. */
  public static final short ACKS_ALL = -1;

  private Produce() {
  }

  /**
   * One partition's batch.
   *
   * @param records one record batch (docs/format.md) built with {@code EventBatches.encode}; its position and
   *                limit delimit the bytes, and encoding never moves them
   */
  public record PartitionData(int partition, ByteBuffer records) {

    static final int MIN_BYTES = Integer.BYTES + ProtocolReader.BYTES_LENGTH_BYTES;

    public PartitionData {
      Objects.requireNonNull(records, "records");
    }
  }

  /**
   * The request.
   *
   * @param acks      {@link #ACKS_NONE}, {@link #ACKS_LEADER} or {@link #ACKS_ALL}; other values are invalid
   *                  input, checked by the node
   * @param timeoutMs the node fails partitions not done by then with {@link ErrorCode#REQUEST_TIMED_OUT}
   */
  public record Request(short acks, int timeoutMs, List<TopicItems<PartitionData>> topics) implements RequestBody {

    public Request {
      topics = List.copyOf(topics);
    }

    /** Whether the node answers this request ({@code acks} is not 0). */
    public boolean expectsResponse() {
      return acks != ACKS_NONE;
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.PRODUCE;
    }

    @Override
    public int sizeHint() {
      return Short.BYTES + Integer.BYTES + TopicArrays.sizeHint(topics,
          partition -> Integer.BYTES + ProtocolReader.BYTES_LENGTH_BYTES + partition.records().remaining());
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeInt16(acks).writeInt32(timeoutMs);
      TopicArrays.write(out, topics,
          (p, partition) -> p.writeInt32(partition.partition()).writeBytes(partition.records()));
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readInt16("acks"), in.readInt32("timeout_ms"), TopicArrays.read(in,
          PartitionData.MIN_BYTES, p -> new PartitionData(p.readInt32("partition"), p.readBytesView("records"))));
    }
  }

  /**
   * One partition's outcome; -1, -1, false on error.
   *
   * @param baseOffset offset of the batch's first record
   * @param lastOffset offset of its last record
   * @param duplicate  the batch was a retry of one already stored: nothing new stored, original offsets
   */
  public record PartitionResponse(int partition, ErrorCode errorCode, String errorMessage, long baseOffset,
                                  long lastOffset, boolean duplicate) {

    static final int MIN_BYTES = Integer.BYTES + Short.BYTES + ProtocolReader.STRING_LENGTH_BYTES + 2 * Long.BYTES + 1;

    public PartitionResponse {
      Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The wire form of a stored batch. */
    public static PartitionResponse of(ProduceResult result) {
      return new PartitionResponse(result.partition(), ErrorCode.NONE, null, result.baseOffset(), result.lastOffset(),
          result.duplicate());
    }

    public static PartitionResponse error(int partition, ErrorCode errorCode, String errorMessage) {
      return new PartitionResponse(partition, errorCode, errorMessage, -1, -1, false);
    }

    /**
     * The event store's result.
     *
     * @throws IllegalStateException when this partition failed
     */
    public ProduceResult toResult() {
      if (errorCode != ErrorCode.NONE) {
        throw new IllegalStateException("partition " + partition + " failed (" + errorCode + ") and has no result");
      }
      return new ProduceResult(partition, baseOffset, lastOffset, duplicate);
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
      return ApiKey.PRODUCE;
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
              .writeInt64(partition.baseOffset())
              .writeInt64(partition.lastOffset())
              .writeBoolean(partition.duplicate()));
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      return new Response(errorCode, errorMessage, TopicArrays.read(in, PartitionResponse.MIN_BYTES,
          p -> new PartitionResponse(p.readInt32("partition"), p.readErrorCode("error_code"),
              p.readNullableString("error_message"), p.readInt64("base_offset"), p.readInt64("last_offset"),
              p.readBoolean("duplicate"))));
    }
  }
}
