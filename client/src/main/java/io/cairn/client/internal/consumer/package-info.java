/**
 * Reading: {@code DefaultConsumer} (poll over assigned partitions, positions, seeks) and
 * {@code FetchSubscription} (a backpressured ReadStream of long-poll Fetch requests).
 */
package io.cairn.client.internal.consumer;
