package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.ResponseBody;

/**
 * A response, and what to do once it has been encoded into its frame: give back the buffers its records were read
 * into ({@link FetchBufferPool}). The connection runs {@code encoded} at most once, after encoding; an answer never
 * written (the connection closed first) never runs it.
 *
 * @param body    the response
 * @param encoded run once the frame holds the body, when nothing reads the body's buffers any more
 */
record Answer(ResponseBody body, Runnable encoded) {

  private static final Runnable NOTHING = () -> { };

  /** A response with nothing to do after encoding. */
  static Answer of(ResponseBody body) {
    return new Answer(body, NOTHING);
  }
}
