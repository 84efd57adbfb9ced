package io.cairn.node.internal.protocol;

/**
 * What a request handler may know about the connection it serves.
 *
 * @param advertisedHost the address the client reached this node at (the socket's local address), which
 *                       Metadata hands out
 * @param advertisedPort the protocol port the node listens on
 */
record ConnectionInfo(String advertisedHost, int advertisedPort) {
}
