package io.cairn.eventstore;

import java.util.List;
import java.util.UUID;

/**
 * One event as read back from the log. Fields a record written by a plain Kafka producer lacks
 * are given as: {@code aggregateId} {@code null} for a null key, {@code version} -1,
 * {@code eventId} {@code null}, {@code type} empty.
 *
 * @param topic       the topic
 * @param partition   the partition
 * @param offset      dense position in the partition, from 0
 * @param timestamp   append time, ms since the epoch
 * @param aggregateId the record key
 * @param version     the event's version in its stream (1 = first)
 * @param eventId     the event id
 * @param type        the event type name
 * @param payload     the payload, or {@code null} for a tombstone
 * @param headers     the extra headers the writer gave (reserved {@code cairn.} headers removed)
 */
public record StoredEvent(String topic, int partition, long offset, long timestamp, String aggregateId,
                          long version, UUID eventId, String type, byte[] payload, List<Header> headers) {
}
