package io.cairn.node.internal.protocol;

import static io.cairn.node.internal.protocol.ProtocolTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.client.protocol.ApiVersions;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.TopicItems;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseFrameWriter} over real loopback sockets, with an allocator that keeps every buffer it hands
 * out: the bytes on the wire are the frame {@link Frames#encodeResponse(int, ResponseBody)} encodes on the
 * heap, and every buffer is released whatever happens to the write.
 */
class ResponseFrameWriterTest {

  private static final int CORRELATION_ID = 7;

  private Vertx vertx;
  private final List<ByteBuf> allocated = new CopyOnWriteArrayList<>();
  private final IntFunction<ByteBuf> recording = capacity -> {
    ByteBuf buffer = Unpooled.directBuffer(capacity);
    allocated.add(buffer);
    return buffer;
  };

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    await(vertx.close());
  }

  /** A loopback server handing every accepted socket to {@code onSocket}, on the socket's context. */
  private int serve(Consumer<NetSocket> onSocket) throws Exception {
    return await(vertx.createNetServer().connectHandler(onSocket::accept).listen(0, "127.0.0.1")).actualPort();
  }

  private static Fetch.Response fetchResponseWithRecords(int bytes) {
    byte[] records = new byte[bytes];
    new Random(42).nextBytes(records);
    return Fetch.Response.of(List.of(new TopicItems<>("t", List.of(new Fetch.PartitionResponse(0, ErrorCode.NONE,
        null, 10, 0, ByteBuffer.wrap(records))))));
  }

  @Test
  void theFrameOnTheWireIsTheHeapEncodingAndItsBufferIsReleasedOnceWritten() throws Exception {
    // given
    Fetch.Response response = fetchResponseWithRecords(256 * 1024);
    byte[] expected = Frames.encodeResponse(CORRELATION_ID, response).getBytes();
    Promise<Void> written = Promise.promise();
    int port = serve(socket -> ResponseFrameWriter.write(recording, socket, CORRELATION_ID, response)
        .onComplete(written));

    // when
    byte[] received = new byte[expected.length];
    try (Socket client = new Socket("127.0.0.1", port)) {
      new DataInputStream(client.getInputStream()).readFully(received);
      await(written.future());
    }

    // then
    assertThat(received).isEqualTo(expected);
    assertThat(allocated).hasSize(1).allSatisfy(buffer -> {
      assertThat(buffer.isDirect()).isTrue();
      assertThat(buffer.refCnt()).as("reference count after the write").isZero();
    });
  }

  @Test
  void aBodyThatCannotBeEncodedReleasesItsBufferAndWritesNothing() throws Exception {
    // given: a node version longer than a protocol string holds, found out after the buffer grew for it
    ApiVersions.Response unencodable = ApiVersions.Response.ofAllApis("v".repeat(40_000));
    Promise<RuntimeException> refused = Promise.promise();
    int port = serve(socket -> {
      try {
        ResponseFrameWriter.write(recording, socket, CORRELATION_ID, unencodable);
        refused.fail(new AssertionError("the response was written"));
      } catch (RuntimeException e) {
        refused.complete(e);
      }
      socket.close();
    });

    // when
    int firstByte;
    try (Socket client = new Socket("127.0.0.1", port); InputStream in = client.getInputStream()) {
      firstByte = in.read();
    }

    // then
    assertThat(await(refused.future())).hasMessageContaining("a protocol string holds at most");
    assertThat(firstByte).as("the first byte the client read (-1: the connection closed empty)").isEqualTo(-1);
    assertThat(allocated).hasSize(1).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
  }

  @Test
  void aWriteToAClosedConnectionFailsAndStillReleasesItsBuffer() throws Exception {
    // given
    Promise<AsyncResult<Void>> outcome = Promise.promise();
    int port = serve(socket -> socket.close().onComplete(closed ->
        ResponseFrameWriter.write(recording, socket, CORRELATION_ID, fetchResponseWithRecords(1024))
            .onComplete(result -> outcome.complete(result))));

    // when
    try (Socket client = new Socket("127.0.0.1", port)) {
      AsyncResult<Void> write = await(outcome.future());

      // then
      assertThat(write.failed()).as("the write to a closed socket failed").isTrue();
    }
    assertThat(allocated).hasSize(1).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
  }

  @Test
  void theEncodingRefusesAFrameBufferThatIsNotEmpty() {
    assertThatThrownBy(() -> Frames.encodeResponse(Buffer.buffer().appendByte((byte) 1),
        CORRELATION_ID, fetchResponseWithRecords(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be empty");
  }
}
