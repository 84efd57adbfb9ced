package io.cairn.client.protocol;

import java.util.Optional;

/**
 * The header that starts every request frame (docs/protocol.md, "Request header"). The api key is kept as
 * the raw {@code int16} so that a node can answer an unknown one with {@link ErrorCode#UNKNOWN_API}.
 *
 * @param apiKey        which request ({@link ApiKey#id()})
 * @param apiVersion    the version of that request's layout
 * @param correlationId chosen by the client, echoed in the response
 * @param clientId      for logs and metrics; null when the client sent none
 */
public record RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId) {

  /** Smallest encoded header: api key, api version, correlation id and a null client id. */
  public static final int MIN_BYTES = Short.BYTES + Short.BYTES + Integer.BYTES + Short.BYTES;

  /** A header for {@code api} at its newest version. */
  public static RequestHeader of(ApiKey api, int correlationId, String clientId) {
    return new RequestHeader(api.id(), api.maxVersion(), correlationId, clientId);
  }

  /** The api, or empty if this codec does not know the key. */
  public Optional<ApiKey> api() {
    return ApiKey.forId(apiKey);
  }

  public void encode(ProtocolWriter out) {
    out.writeInt16(apiKey).writeInt16(apiVersion).writeInt32(correlationId).writeNullableString("client_id", clientId);
  }

  public static RequestHeader decode(ProtocolReader in) {
    return new RequestHeader(in.readInt16("api_key"), in.readInt16("api_version"), in.readInt32("correlation_id"),
        in.readNullableString("client_id"));
  }
}
