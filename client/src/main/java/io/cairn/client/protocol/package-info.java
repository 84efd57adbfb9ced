/**
 * The codec of Cairn's binary protocol (docs/protocol.md): frames, request and response headers, one
 * request and one response type per api key, error codes. Shared by the Java client and the node; pure
 * functions over Vert.x {@code Buffer}s, no I/O.
 */
package io.cairn.client.protocol;
