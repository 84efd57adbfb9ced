/**
 * Connections to a node: {@code NodeChannel} pipelines requests on one socket and reconnects with backoff,
 * {@code Exchange} is one request and its answer, {@code LongPollChannels} hands out a connection per long
 * poll (ADR 0008). Everything here runs on the client's event loop.
 */
package io.cairn.client.internal.net;
