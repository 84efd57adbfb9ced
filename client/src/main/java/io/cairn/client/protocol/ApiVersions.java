package io.cairn.client.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * ApiVersions (api key 0): which api keys and versions a node serves, and its Cairn version. Always
 * answered in the version 0 layout, whatever version was asked for, so a client can discover versions.
 */
public final class ApiVersions {

  private ApiVersions() {
  }

  /** The request: empty. */
  public record Request() implements RequestBody {

    @Override
    public ApiKey apiKey() {
      return ApiKey.API_VERSIONS;
    }

    @Override
    public void encode(ProtocolWriter out) {
    }

    public static Request decode(ProtocolReader in) {
      return new Request();
    }
  }

  /** One served api: its key and version range. */
  public record ApiVersion(short apiKey, short minVersion, short maxVersion) {

    static final int BYTES = 3 * Short.BYTES;

    /** The range this codec serves for {@code api}. */
    public static ApiVersion of(ApiKey api) {
      return new ApiVersion(api.id(), api.minVersion(), api.maxVersion());
    }
  }

  /**
   * The response.
   *
   * @param apis        the served apis; empty on error
   * @param nodeVersion Cairn's version on the node; empty on error
   */
  public record Response(ErrorCode errorCode, String errorMessage, List<ApiVersion> apis, String nodeVersion)
      implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
      apis = List.copyOf(apis);
      Objects.requireNonNull(nodeVersion, "nodeVersion");
    }

    /** Every api this codec knows, at its version range, for a node of {@code nodeVersion}. */
    public static Response ofAllApis(String nodeVersion) {
      List<ApiVersion> apis = new ArrayList<>();
      for (ApiKey api : ApiKey.values()) {
        apis.add(ApiVersion.of(api));
      }
      return new Response(ErrorCode.NONE, null, apis, nodeVersion);
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, List.of(), "");
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.API_VERSIONS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      if (isError()) {
        return;
      }
      out.writeArray(apis, (w, api) -> w.writeInt16(api.apiKey()).writeInt16(api.minVersion()).writeInt16(api.maxVersion()))
          .writeString("node_version", nodeVersion);
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      List<ApiVersion> apis = in.readArray("apis", ApiVersion.BYTES,
          r -> new ApiVersion(r.readInt16("api_key"), r.readInt16("min_version"), r.readInt16("max_version")));
      return new Response(errorCode, errorMessage, apis, in.readString("node_version"));
    }
  }
}
