/**
 * The batching producer: per-partition batches filled on the callers' threads ({@code PartitionState},
 * {@code ProducerBatch}), bounded by {@code MemoryBudget}, numbered, encoded and sent by the {@code Sender}
 * on the client's event loop with the idempotent producer's sequencing and retry rules.
 */
package io.cairn.client.internal.producer;
