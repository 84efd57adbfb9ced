/**
 * The batching producer: per-partition batches filled on the callers' threads ({@code PartitionState},
 * {@code ProducerBatch}), each record serialized at {@code send} into the batch's pooled buffer
 * ({@code BufferPool}, bounded by {@code MemoryBudget}); the {@code Sender} numbers the batches, writes their
 * headers and sends them on the client's event loop with the idempotent producer's sequencing and retry rules.
 */
package io.cairn.client.internal.producer;
