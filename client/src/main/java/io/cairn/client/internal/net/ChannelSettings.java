package io.cairn.client.internal.net;

import io.cairn.client.ClientOptions;
import io.cairn.client.NodeAddress;
import io.cairn.client.protocol.Frames;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.List;

/**
 * What every {@link NodeChannel} of a client shares: the Vert.x instance and the client's context (all
 * channel work runs there), the NetClient, the node addresses, the client id, the reconnect backoff and
 * the idle timeout. Immutable.
 *
 * @param vertx                 the Vert.x instance
 * @param context               the client's event-loop context
 * @param netClient             opens the TCP connections ({@code socket.connection.setup.timeout.ms} set)
 * @param addresses             the nodes to connect to, tried in turn after failures
 * @param clientId              {@code client.id}, sent in every request header
 * @param reconnectBackoff      wait before reconnecting after the n-th failure in a row
 * @param connectionsMaxIdleMs  a connection with nothing in flight for this long is closed
 * @param maxResponseFrameBytes largest response frame accepted
 */
public record ChannelSettings(Vertx vertx, Context context, NetClient netClient, List<NodeAddress> addresses,
                              String clientId, Backoff reconnectBackoff, long connectionsMaxIdleMs,
                              int maxResponseFrameBytes) {

  /** Largest response accepted: a Fetch answer is bounded by {@code fetch.max.bytes} plus one whole batch. */
  public static final int DEFAULT_MAX_RESPONSE_FRAME_BYTES = 256 * 1024 * 1024;

  public ChannelSettings {
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("at least one node address is needed");
    }
  }

  /** Settings from client options. */
  public static ChannelSettings of(Vertx vertx, Context context, NetClient netClient, ClientOptions options) {
    return new ChannelSettings(vertx, context, netClient, options.bootstrapServers(), options.clientId(),
        new Backoff(options.reconnectBackoffMs(), options.reconnectBackoffMaxMs()), options.connectionsMaxIdleMs(),
        (int) Math.min(Integer.MAX_VALUE - Frames.SIZE_BYTES,
            Math.max(DEFAULT_MAX_RESPONSE_FRAME_BYTES, options.fetchMaxBytes() + 64L * 1024 * 1024)));
  }
}
