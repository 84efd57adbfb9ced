/**
 * The JSON documents Cairn's tools share: the HTTP API answers and {@code bin/cairn}'s output render
 * append results, version conflicts and topic descriptions through {@link io.cairn.node.json.CairnJson},
 * so the two never drift apart. Depends only on the public {@code io.cairn.eventstore} API and
 * Vert.x's JSON types.
 */
package io.cairn.node.json;
