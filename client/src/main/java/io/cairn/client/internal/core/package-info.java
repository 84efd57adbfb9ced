/**
 * What producers, consumers and the client share: {@code Calls} (a request with the retry rule of its kind,
 * within {@code delivery.timeout.ms}), the metadata cache, offset lookups and the caller-context hops.
 */
package io.cairn.client.internal.core;
