/**
 * A Cairn node: the network runtime around one local {@link io.cairn.eventstore.EventStore}. Today it
 * serves the HTTP API (the REST-proxy role) with health and Prometheus metrics; the binary protocol
 * server and, later, cluster membership join it here.
 */
package io.cairn.node;
