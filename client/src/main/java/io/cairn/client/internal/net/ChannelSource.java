package io.cairn.client.internal.net;

/**
 * Where a call gets the channel for one attempt: the client's main channel, or one from the long-poll pool.
 * Methods are called on the client's context.
 */
public interface ChannelSource {

  /** A channel for one exchange. */
  NodeChannel acquire();

  /** Gives back a channel taken with {@link #acquire()} once its exchange has its outcome. */
  void release(NodeChannel channel);

  /** A source that always hands out {@code channel}. */
  static ChannelSource of(NodeChannel channel) {
    return new ChannelSource() {
      @Override
      public NodeChannel acquire() {
        return channel;
      }

      @Override
      public void release(NodeChannel released) {
        // shared channel: nothing to give back
      }
    };
  }
}
