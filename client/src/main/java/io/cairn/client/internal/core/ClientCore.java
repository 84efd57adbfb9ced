package io.cairn.client.internal.core;

import io.cairn.client.ClientOptions;
import io.cairn.client.internal.net.ChannelSource;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * What a client's producers, consumers and subscriptions share: the Vert.x instance, the client's
 * event-loop context, its options, the call runner, the metadata cache and the two channel sources.
 * Immutable; the parts are thread-safe as their own classes say.
 *
 * @param vertx     the Vert.x instance
 * @param context   the client's context: channels, timers and producer senders run there
 * @param options   the client's options (a copy; MUST NOT be changed)
 * @param calls     runs requests with retries
 * @param metadata  partition counts
 * @param main      the pipelined main channel
 * @param longPolls channels for long-poll Fetch requests, one exchange each
 */
public record ClientCore(Vertx vertx, Context context, ClientOptions options, Calls calls, MetadataCache metadata,
                         ChannelSource main, ChannelSource longPolls) {
}
