/**
 * The node's binary-protocol server (docs/protocol.md): a Vert.x {@code NetServer} on
 * {@code num.network.threads} event loops, one {@link io.cairn.node.internal.protocol.ProtocolConnection} per
 * socket (framing, answers in request order, in-flight limit, idle timeout, draining on shutdown) and a
 * {@link io.cairn.node.internal.protocol.RequestDispatcher} that serves each request from the
 * {@link io.cairn.eventstore.EventStore}. The codec is {@code io.cairn.client.protocol}.
 */
package io.cairn.node.internal.protocol;
