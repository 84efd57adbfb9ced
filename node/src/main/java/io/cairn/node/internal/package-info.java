/**
 * Implementation of the node: the HTTP API's router and handlers, JSON mapping, request validation
 * and metrics. Not an API; it uses only the public {@code io.cairn.eventstore} API.
 */
package io.cairn.node.internal;
