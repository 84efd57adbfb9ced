package io.cairn.client.protocol;

import io.cairn.eventstore.ProducerId;
import java.util.Objects;

/** InitProducerId (api key 11): a new idempotent-producer identity ({@code EventStore.initProducerId}). */
public final class InitProducerId {

  private InitProducerId() {
  }

  /** The request: empty. */
  public record Request() implements RequestBody {

    @Override
    public ApiKey apiKey() {
      return ApiKey.INIT_PRODUCER_ID;
    }

    @Override
    public void encode(ProtocolWriter out) {
    }

    public static Request decode(ProtocolReader in) {
      return new Request();
    }
  }

  /** The response; -1, -1 on error. */
  public record Response(ErrorCode errorCode, String errorMessage, long producerId, short producerEpoch)
      implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
    }

    public static Response of(ProducerId id) {
      return new Response(ErrorCode.NONE, null, id.id(), id.epoch());
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, -1, (short) -1);
    }

    /**
     * The event store's producer id.
     *
     * @throws IllegalStateException when this is an error response
     * @throws io.cairn.eventstore.InvalidInputException when the node sent a negative id or epoch
     */
    public ProducerId toProducerId() {
      if (isError()) {
        throw new IllegalStateException("an error response (" + errorCode + ") has no producer id");
      }
      return new ProducerId(producerId, producerEpoch);
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.INIT_PRODUCER_ID;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      if (!isError()) {
        out.writeInt64(producerId).writeInt16(producerEpoch);
      }
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      return new Response(errorCode, errorMessage, in.readInt64("producer_id"), in.readInt16("producer_epoch"));
    }
  }
}
