/**
 * Test support for deciders, usable from any test framework (failures are {@link java.lang.AssertionError}s):
 * the given/when/then {@link io.cairn.aggregates.testing.AggregateFixture} and the serialization check
 * {@link io.cairn.aggregates.testing.EventRoundTrip}.
 */
package io.cairn.aggregates.testing;
