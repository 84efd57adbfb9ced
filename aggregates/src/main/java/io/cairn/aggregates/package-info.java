/**
 * Event-sourced aggregates: the {@link io.cairn.aggregates.Decider} contract that domain code implements with
 * plain records and sealed interfaces, the {@link io.cairn.aggregates.AggregateType} registration, and the
 * {@link io.cairn.aggregates.CommandGateway} that runs commands against any
 * {@link io.cairn.eventstore.EventStore} with optimistic concurrency, command-id idempotence and snapshots
 * (docs/guide/aggregates.md, ADR 0009).
 */
package io.cairn.aggregates;
