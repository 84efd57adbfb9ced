package io.cairn.node.internal.protocol;

/**
 * The limits of the binary-protocol server, from the node's options (docs/protocol.md, "Ordering,
 * pipelining and limits").
 *
 * @param maxFrameBytes        {@code socket.request.max.bytes}: largest request frame after the size prefix
 * @param maxInFlightRequests  {@code max.in.flight.requests.per.connection}: requests processed at once per
 *                             connection before the node stops reading it
 * @param connectionsMaxIdleMs {@code connections.max.idle.ms}: a connection without traffic and without
 *                             requests in flight for this long is closed
 * @param maxConnections       {@code max.connections}: connections open at once
 * @param shutdownGraceMs      {@code shutdown.grace.ms}: how long a stop waits for in-flight requests
 */
public record ProtocolLimits(int maxFrameBytes, int maxInFlightRequests, long connectionsMaxIdleMs, int maxConnections,
                             long shutdownGraceMs) {
}
