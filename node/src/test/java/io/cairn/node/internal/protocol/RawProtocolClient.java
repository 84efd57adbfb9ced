package io.cairn.node.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.protocol.ErrorFrame;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.ProtocolReader;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.RequestHeader;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.ResponseHeader;
import io.cairn.client.protocol.Responses;
import io.vertx.core.buffer.Buffer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;

/**
 * A blocking test client of the binary protocol over a plain {@link Socket}, using only the codec: it sends
 * requests (or any bytes) and reads frames back, so tests see exactly what the node writes. Not thread-safe.
 */
final class RawProtocolClient implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  static final int READ_TIMEOUT_MS = 20_000;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Map<Integer, RequestBody> sent = new HashMap<>();
  private int nextCorrelationId = 1;

  private RawProtocolClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawProtocolClient connect(int port) throws IOException {
    Socket socket = new Socket(HOST, port);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.setTcpNoDelay(true);
    return new RawProtocolClient(socket);
  }

  /** The frame of {@code request} with the next correlation id (remembered for decoding the answer). */
  Buffer frame(RequestBody request) {
    int correlationId = nextCorrelationId++;
    sent.put(correlationId, request);
    return Frames.encodeRequest(RequestHeader.of(request.apiKey(), correlationId, "raw-test"), request);
  }

  /** Sends {@code request}; returns its correlation id. */
  int send(RequestBody request) throws IOException {
    Buffer frame = frame(request);
    sendRaw(frame);
    return frame.getInt(Frames.SIZE_BYTES + 2 * Short.BYTES);
  }

  /** Sends bytes as they are (several frames in one write, garbage, a bare size prefix). */
  void sendRaw(Buffer bytes) throws IOException {
    out.write(bytes.getBytes());
    out.flush();
  }

  /** Sends {@code request} and reads its answer, which must be the next frame. */
  @SuppressWarnings("unchecked")
  <T extends ResponseBody> T call(RequestBody request) throws IOException {
    int correlationId = send(request);
    Received received = receive();
    assertThat(received.correlationId()).as("correlation id of the next answer").isEqualTo(correlationId);
    return (T) received.response();
  }

  /** Reads the next frame. */
  Received receive() throws IOException {
    int size = in.readInt();
    byte[] payload = new byte[size];
    in.readFully(payload);
    Buffer buffer = Buffer.buffer(payload);
    ProtocolReader reader = new ProtocolReader(buffer);
    int correlationId = ResponseHeader.decode(reader).correlationId();
    return new Received(correlationId, buffer, sent.get(correlationId));
  }

  /** Whether the node closed the connection: the next read ends the stream (waits up to the read timeout). */
  boolean closedByNode() throws IOException {
    try {
      return in.read() == -1;
    } catch (EOFException | SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One frame read back: its correlation id and payload, and the request it answers if this client sent it. */
  record Received(int correlationId, Buffer payload, RequestBody request) {

    /** The payload decoded as the answer to {@link #request()}. */
    ResponseBody response() {
      assertThat(request).as("a request with correlation id %d was sent", correlationId).isNotNull();
      ProtocolReader reader = new ProtocolReader(payload, ResponseHeader.BYTES, payload.length());
      return Responses.decode(request, reader);
    }

    /** The payload decoded as an error frame. */
    ErrorFrame error() {
      ProtocolReader reader = new ProtocolReader(payload, ResponseHeader.BYTES, payload.length());
      return ErrorFrame.decodeBody(correlationId, reader);
    }
  }
}
