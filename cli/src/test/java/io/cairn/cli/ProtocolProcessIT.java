package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.protocol.Append;
import io.cairn.client.protocol.CreateTopics;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.ErrorFrame;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.ProtocolReader;
import io.cairn.client.protocol.ReadStream;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.RequestHeader;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.ResponseHeader;
import io.cairn.client.protocol.Responses;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.buffer.Buffer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/cairn node} as a real process and speaks the binary protocol to it over plain sockets: while
 * a good client appends, other connections send oversized frames, noise, unknown apis, unsupported versions
 * and cut-off frames. Each bad connection gets an error frame and is closed; the good client never notices,
 * and every event it appended is stored. Found like {@link NodeProcessIT}.
 */
class ProtocolProcessIT {

  private static final long PROCESS_TIMEOUT_MS = 120_000;
  private static final int READ_TIMEOUT_MS = 30_000;
  private static final String TOPIC = "bank.account";
  private static final int ROUNDS = 40;
  private static final int MAX_FRAME_BYTES = 4096;
  private static final long SEED = 3_2025L;

  private static CairnBuild build;

  @TempDir
  Path tmp;

  private Process process;
  private Path stderr;

  @BeforeAll
  static void locateBuild() {
    build = CairnBuild.of(ProtocolProcessIT.class);
  }

  @AfterEach
  void killLeftovers() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void badFramesCloseOnlyTheirOwnConnectionsWhileAGoodClientKeepsWorking() throws Exception {
    // given
    int port = startNode("--data-dir", tmp.resolve("data").toString(), "--port", "0", "--http-port", "0",
        "--socket-request-max-bytes", Integer.toString(MAX_FRAME_BYTES), "--max-connections", "20");
    Random random = new Random(SEED);
    List<Long> appendedVersions = new ArrayList<>();
    try (RawClient good = new RawClient(port)) {
      CreateTopics.Response created = good.call(CreateTopics.Request.of(TOPIC, new TopicConfig().setPartitions(2)));
      assertThat(created.errorCode()).isEqualTo(ErrorCode.NONE);

      for (int round = 0; round < ROUNDS; round++) {
        // when: a good append is in flight while a bad connection sends its frame
        int id = good.send(Append.Request.of(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.exactly(round),
            List.of(new EventData(UUID.randomUUID(), "Deposited", ("{\"n\":" + round + "}").getBytes(
                StandardCharsets.UTF_8), List.of())))));
        ErrorCode refused = sendBadFrame(port, round, random);

        // then
        assertThat(refused).as("seed %d round %d", SEED, round).isIn(ErrorCode.FRAME_TOO_LARGE,
            ErrorCode.MALFORMED_REQUEST, ErrorCode.UNKNOWN_API, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.NONE);
        Append.Response appended = good.receive(id);
        assertThat(appended.errorCode()).as(appended.errorMessage()).isEqualTo(ErrorCode.NONE);
        AppendResult result = appended.toResult(ExpectedVersion.exactly(round));
        assertThat(result).isInstanceOf(AppendResult.Appended.class);
        appendedVersions.add(((AppendResult.Appended) result).newVersion());
      }

      // then: every acknowledged event is there, in order
      ReadStream.Response stream = good.call(new ReadStream.Request(TOPIC, "acc-1", 1, 1000));
      assertThat(stream.events()).extracting(StoredEvent::version).containsExactlyElementsOf(appendedVersions);
      assertThat(stream.currentVersion()).isEqualTo(ROUNDS);
    }

    // when: SIGTERM
    process.destroy();

    // then
    assertThat(process.waitFor(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(process.exitValue()).as(log()).isZero();
  }

  /**
   * Opens a connection, sends one bad frame of the kind {@code round} picks and returns the error code the node
   * answered before closing it; {@link ErrorCode#NONE} when the node closed it without an answer (a frame cut off
   * by the client closing its side).
   */
  private ErrorCode sendBadFrame(int port, int round, Random random) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      Buffer frame = switch (round % 5) {
        case 0 -> Buffer.buffer().appendInt(MAX_FRAME_BYTES + 1 + random.nextInt(Integer.MAX_VALUE - MAX_FRAME_BYTES));
        case 1 -> {
          byte[] noise = new byte[1 + random.nextInt(200)];
          random.nextBytes(noise);
          yield Buffer.buffer().appendInt(noise.length).appendBytes(noise);
        }
        case 2 -> Buffer.buffer().appendInt(10).appendShort((short) (100 + random.nextInt(1000)))
            .appendShort((short) 0).appendInt(round).appendShort((short) -1);
        case 3 -> Buffer.buffer().appendInt(10).appendShort((short) 7).appendShort((short) (1 + random.nextInt(100)))
            .appendInt(round).appendShort((short) -1);
        default -> Buffer.buffer().appendInt(1000).appendBytes(new byte[10]);
      };
      out.write(frame.getBytes());
      out.flush();
      if (round % 5 == 4) {
        socket.shutdownOutput();
      }
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int size;
      try {
        size = in.readInt();
      } catch (EOFException | SocketException e) {
        return ErrorCode.NONE;
      }
      byte[] payload = new byte[size];
      in.readFully(payload);
      ProtocolReader reader = new ProtocolReader(Buffer.buffer(payload));
      int correlationId = ResponseHeader.decode(reader).correlationId();
      ErrorCode code = ErrorCode.forCode(Buffer.buffer(payload).getShort(ResponseHeader.BYTES));
      if (code == ErrorCode.NONE) {
        return code; // noise that happened to be a valid request
      }
      ErrorFrame error = ErrorFrame.decodeBody(correlationId, reader);
      assertThat(in.read()).as("connection closed after %s", error).isEqualTo(-1);
      return error.errorCode();
    }
  }

  /** Starts {@code bin/cairn node ARGS}, waits for the ready line and returns the protocol port. */
  private int startNode(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.addAll(List.of(args));
    ProcessBuilder builder = build.smallLauncher(tmp, command);
    stderr = Files.createTempFile(tmp, "stderr", ".txt");
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
    process = builder.start();
    return Integer.parseInt(CairnBuild.awaitReady(process, this::log).group(2));
  }

  private String log() {
    try {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + stderr, e);
    }
  }

  /** A blocking protocol client over a plain socket, using only the codec. */
  private static final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final List<RequestBody> sent = new ArrayList<>();

    RawClient(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    int send(RequestBody request) throws IOException {
      int correlationId = sent.size();
      sent.add(request);
      out.write(Frames.encodeRequest(RequestHeader.of(request.apiKey(), correlationId, "good"), request).getBytes());
      out.flush();
      return correlationId;
    }

    @SuppressWarnings("unchecked")
    <T extends ResponseBody> T receive(int correlationId) throws IOException {
      byte[] payload = new byte[in.readInt()];
      in.readFully(payload);
      ProtocolReader reader = new ProtocolReader(Buffer.buffer(payload));
      assertThat(ResponseHeader.decode(reader).correlationId()).isEqualTo(correlationId);
      return (T) Responses.decode(sent.get(correlationId), reader);
    }

    <T extends ResponseBody> T call(RequestBody request) throws IOException {
      return receive(send(request));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
