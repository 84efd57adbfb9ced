package io.cairn.client.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * The requests of the binary protocol (docs/protocol.md, "Requests"): the {@code api_key} on the wire and
 * the range of {@code api_version}s this codec serves. Only version 0 exists today.
 */
public enum ApiKey {
  API_VERSIONS(0, "ApiVersions"),
  METADATA(1, "Metadata"),
  CREATE_TOPICS(2, "CreateTopics"),
  DELETE_TOPICS(3, "DeleteTopics"),
  DESCRIBE_TOPICS(4, "DescribeTopics"),
  APPEND(5, "Append"),
  PRODUCE(6, "Produce"),
  FETCH(7, "Fetch"),
  READ_STREAM(8, "ReadStream"),
  LIST_OFFSETS(9, "ListOffsets"),
  STREAM_VERSION(10, "StreamVersion"),
  INIT_PRODUCER_ID(11, "InitProducerId");

  private static final ApiKey[] VALUES = values();
  private static final Optional<ApiKey>[] BY_ID = byId();

  private final short id;
  private final String apiName;
  private final short minVersion;
  private final short maxVersion;

  ApiKey(int id, String apiName) {
    this.id = (short) id;
    this.apiName = apiName;
    this.minVersion = 0;
    this.maxVersion = 0;
  }

  /** The {@code api_key} on the wire. */
  public short id() {
    return id;
  }

  /** The name docs/protocol.md gives it, such as {@code ApiVersions}; also the metrics tag. */
  public String apiName() {
    return apiName;
  }

  /** The oldest {@code api_version} served. */
  public short minVersion() {
    return minVersion;
  }

  /** The newest {@code api_version} served. */
  public short maxVersion() {
    return maxVersion;
  }

  /** Whether {@code apiVersion} is served for this api. */
  public boolean supports(short apiVersion) {
    return apiVersion >= minVersion && apiVersion <= maxVersion;
  }

  /** The api with this {@code api_key}, or empty for a key this codec does not know. Allocates nothing. */
  public static Optional<ApiKey> forId(short id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : Optional.empty();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Optional<ApiKey>[] byId() {
    int maxId = 0;
    for (ApiKey api : VALUES) {
      maxId = Math.max(maxId, api.id);
    }
    Optional<ApiKey>[] table = new Optional[maxId + 1];
    Arrays.fill(table, Optional.empty());
    for (ApiKey api : VALUES) {
      table[api.id] = Optional.of(api);
    }
    return table;
  }

  @Override
  public String toString() {
    return apiName;
  }
}
