package io.cairn.client.internal.net;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool of channels for long-poll Fetch requests, one exchange per channel at a time: the node answers a
 * connection's requests in order, so a Fetch waiting for records would hold back every answer behind it
 * (ADR 0008). Channels are opened on demand and kept for reuse; a reused channel's idle socket closes after
 * {@code connections.max.idle.ms} like any other. At most {@link #MAX_IDLE_CHANNELS} idle channels are kept.
 *
 * <p>Thread-safety: client context only.
 */
public final class LongPollChannels implements ChannelSource {

  /** Idle channels kept for reuse; more are closed when given back. */
  public static final int MAX_IDLE_CHANNELS = 8;

  private final ChannelSettings settings;
  private final ArrayDeque<NodeChannel> idle = new ArrayDeque<>();
  private final List<NodeChannel> all = new ArrayList<>();
  private int opened;
  private boolean closed;

  public LongPollChannels(ChannelSettings settings) {
    this.settings = settings;
  }

  @Override
  public NodeChannel acquire() {
    NodeChannel channel = idle.pollFirst();
    if (channel == null) {
      channel = new NodeChannel(settings, "long-poll-" + (++opened));
      all.add(channel);
      if (closed) {
        channel.close();
      }
    }
    return channel;
  }

  @Override
  public void release(NodeChannel channel) {
    if (closed || idle.size() >= MAX_IDLE_CHANNELS) {
      all.remove(channel);
      channel.close();
    } else {
      idle.addFirst(channel);
    }
  }

  /** Closes every channel; waiting long polls fail with {@link io.cairn.eventstore.StoreClosedException}. */
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeChannel channel : List.copyOf(all)) {
      closing.add(channel.close());
    }
    all.clear();
    idle.clear();
    return Future.join(closing).mapEmpty();
  }
}
