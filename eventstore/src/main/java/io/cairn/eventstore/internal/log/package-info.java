/**
 * The partition log: segments of Kafka record batches v2 with sparse offset and time indexes,
 * recovery after a crash, retention, and the read-only verifier behind
 * {@link io.cairn.eventstore.LogInspector}. One class per on-disk artifact: {@link
 * io.cairn.eventstore.internal.log.LogSegment} ({@code .log}), {@link
 * io.cairn.eventstore.internal.log.OffsetIndex} ({@code .index}), {@link
 * io.cairn.eventstore.internal.log.TimeIndex} ({@code .timeindex}), {@link
 * io.cairn.eventstore.internal.log.RecoveryPointFile} ({@code recovery-point}) and {@link
 * io.cairn.eventstore.internal.log.CleanShutdownMarker} ({@code clean-shutdown}); {@link
 * io.cairn.eventstore.internal.log.PartitionLog} ties them together. Names are in {@link
 * io.cairn.eventstore.internal.log.SegmentFiles}.
 */
package io.cairn.eventstore.internal.log;
