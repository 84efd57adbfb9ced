package io.cairn.eventstore;

import java.util.List;

/**
 * A page of one aggregate's stream.
 *
 * @param topic          the topic
 * @param aggregateId    the aggregate
 * @param events         events in version order, at most the requested count
 * @param nextVersion    the version to read from next
 * @param currentVersion the stream's version (0 = no events)
 * @param endOfStream    true when {@code events} reaches the stream's current version
 */
public record StreamSlice(String topic, String aggregateId, List<StoredEvent> events, long nextVersion,
                          long currentVersion, boolean endOfStream) {
}
