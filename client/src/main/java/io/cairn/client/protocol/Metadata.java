package io.cairn.client.protocol;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Metadata (api key 1): the node and the topics with their partitions, for routing. A single node leads
 * every partition.
 */
public final class Metadata {

  private Metadata() {
  }

  /**
   * The request.
   *
   * @param topics the topics asked about, or empty for all topics (a null array on the wire)
   */
  public record Request(Optional<List<String>> topics) implements RequestBody {

    public Request {
      topics = topics.map(List::copyOf);
    }

    /** Every topic. */
    public static Request allTopics() {
      return new Request(Optional.empty());
    }

    /** The named topics. */
    public static Request of(List<String> topics) {
      return new Request(Optional.of(topics));
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.METADATA;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeNullableArray(topics.orElse(null), (w, topic) -> w.writeString("topics[]", topic));
    }

    public static Request decode(ProtocolReader in) {
      return new Request(Optional.ofNullable(in.readNullableArray("topics", ProtocolReader.STRING_LENGTH_BYTES,
          r -> r.readString("topics[]"))));
    }
  }

  /** A node: its id and where its binary protocol listens. */
  public record Node(int nodeId, String host, int port) {

    static final int MIN_BYTES = Integer.BYTES + ProtocolReader.STRING_LENGTH_BYTES + Integer.BYTES;

    public Node {
      Objects.requireNonNull(host, "host");
    }
  }

  /** A partition and the node that leads it. */
  public record PartitionMetadata(int partition, int leaderId) {

    static final int BYTES = 2 * Integer.BYTES;
  }

  /**
   * A topic: {@link ErrorCode#UNKNOWN_TOPIC} and no partitions for a requested topic that does not exist.
   */
  public record TopicMetadata(ErrorCode errorCode, String name, List<PartitionMetadata> partitions) {

    static final int MIN_BYTES = Short.BYTES + ProtocolReader.STRING_LENGTH_BYTES + Integer.BYTES;

    public TopicMetadata {
      Objects.requireNonNull(errorCode, "errorCode");
      Objects.requireNonNull(name, "name");
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * The response.
   *
   * @param nodeId the answering node's id; -1 on error
   * @param nodes  the nodes of the cluster; empty on error
   * @param topics topics sorted by name; empty on error
   */
  public record Response(ErrorCode errorCode, String errorMessage, int nodeId, List<Node> nodes,
                         List<TopicMetadata> topics) implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
      nodes = List.copyOf(nodes);
      topics = List.copyOf(topics);
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, -1, List.of(), List.of());
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.METADATA;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      if (isError()) {
        return;
      }
      out.writeInt32(nodeId)
          .writeArray(nodes, (w, node) -> w.writeInt32(node.nodeId()).writeString("nodes[].host", node.host())
              .writeInt32(node.port()))
          .writeArray(topics, (w, topic) -> w.writeErrorCode(topic.errorCode()).writeString("topics[].name", topic.name())
              .writeArray(topic.partitions(), (p, partition) -> p.writeInt32(partition.partition())
                  .writeInt32(partition.leaderId())));
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      int nodeId = in.readInt32("node_id");
      List<Node> nodes = in.readArray("nodes", Node.MIN_BYTES,
          r -> new Node(r.readInt32("nodes[].node_id"), r.readString("nodes[].host"), r.readInt32("nodes[].port")));
      List<TopicMetadata> topics = in.readArray("topics", TopicMetadata.MIN_BYTES,
          r -> new TopicMetadata(r.readErrorCode("topics[].error_code"), r.readString("topics[].name"),
              r.readArray("topics[].partitions", PartitionMetadata.BYTES,
                  p -> new PartitionMetadata(p.readInt32("partition"), p.readInt32("leader_id")))));
      return new Response(errorCode, errorMessage, nodeId, nodes, topics);
    }
  }
}
