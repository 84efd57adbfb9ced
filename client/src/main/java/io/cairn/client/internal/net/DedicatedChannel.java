package io.cairn.client.internal.net;

import io.vertx.core.Future;

/**
 * A channel owned by one user (a consumer): opened on first use, kept across exchanges, closed with its
 * owner. Client context only.
 */
public final class DedicatedChannel implements ChannelSource {

  private final ChannelSettings settings;
  private final String name;
  private NodeChannel channel;
  private boolean closed;

  public DedicatedChannel(ChannelSettings settings, String name) {
    this.settings = settings;
    this.name = name;
  }

  @Override
  public NodeChannel acquire() {
    if (channel == null) {
      channel = new NodeChannel(settings, name);
      if (closed) {
        channel.close();
      }
    }
    return channel;
  }

  @Override
  public void release(NodeChannel released) {
    // the owner keeps its channel between exchanges
  }

  /** Closes the channel; exchanges waiting on it fail with {@link io.cairn.eventstore.StoreClosedException}. */
  public Future<Void> close() {
    closed = true;
    return channel == null ? Future.succeededFuture() : channel.close();
  }
}
