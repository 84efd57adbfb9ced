/**
 * The command gateway's implementation: per-aggregate queues on one Vert.x context, the LRU aggregate cache,
 * paged loading, snapshot records (ADR 0009). Not for use outside this module.
 */
package io.cairn.aggregates.internal;
