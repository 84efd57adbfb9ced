/**
 * The Java client of a Cairn node: {@code CairnClient} implements {@link io.cairn.eventstore.EventStore}
 * over the binary protocol, with a Kafka-style batching producer and a polling consumer.
 */
package io.cairn.client;
