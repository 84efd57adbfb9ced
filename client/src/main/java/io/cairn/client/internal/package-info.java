/**
 * The implementation of the Java client: {@code ClientRuntime} maps the {@code EventStore} calls to requests
 * and owns the producers, consumers and subscriptions it hands out. Subpackages: {@code net} (connections,
 * frames in flight, reconnects), {@code core} (calls with retries, metadata, offsets), {@code producer}
 * (accumulator, sequencing, sender) and {@code consumer} (polling and subscriptions). Not for use outside
 * this module.
 */
package io.cairn.client.internal;
