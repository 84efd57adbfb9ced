package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL peer of the durable optimistic-concurrency workload: an events table like the
 * Marten / Message DB schema ({@code UNIQUE (stream_id, version)}, {@code synchronous_commit = on}),
 * appended to by {@code clients} JDBC connections, each a closed loop of single-event transactions on
 * its own {@code streamsPerClient} streams, picked uniformly.
 *
 * <p>Two ways to append with an expected version ({@link Mode}): {@link Mode#INSERT_EXPECTED} sends
 * one autocommitted {@code INSERT} with version = the client's last known version + 1 and lets the
 * unique constraint reject a stale one (one round trip, the same check as Cairn's exact expected
 * version); {@link Mode#ADVISORY_LOCK} is Message DB's {@code write_message}: advisory lock on the
 * stream, {@code max(version) + 1}, insert, commit (three round trips).
 *
 * <p>Creates the database {@code database} (dropping a leftover one first), and drops it again at the
 * end, also on failure. Talks only to the server at {@code host:port}. Not thread-safe; one run at a time.
 */
public final class PostgresPeer {

  /** PostgreSQL's SQLSTATE for a unique-constraint violation. */
  public static final String UNIQUE_VIOLATION = "23505";
  /** How long a client may overrun the end of the measured phase before the run fails. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(60);
  private static final String EVENT_TYPE = AppendWorkload.EVENT_TYPE;
  private static final Logger LOG = LoggerFactory.getLogger(PostgresPeer.class);

  private static final String CREATE_TABLE = """
      CREATE TABLE events (
        global_position bigserial   PRIMARY KEY,
        stream_id       text        NOT NULL,
        version         int         NOT NULL,
        type            text        NOT NULL,
        data            jsonb       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, version)
      )""";
  private static final String INSERT_EXPECTED_SQL =
      "INSERT INTO events (stream_id, version, type, data) VALUES (?, ?, ?, ?::jsonb)";
  private static final String LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(?))";
  private static final String INSERT_NEXT_SQL = "INSERT INTO events (stream_id, version, type, data) "
      + "SELECT ?, coalesce(max(version), 0) + 1, ?, ?::jsonb FROM events WHERE stream_id = ?";
  private static final String VERSION_SQL = "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?";

  private PostgresPeer() {
  }

  /** How an append checks the expected version. */
  public enum Mode {
    /** {@code INSERT} with the expected version + 1; the unique constraint rejects a stale version. */
    INSERT_EXPECTED,
    /** Advisory lock, {@code max(version) + 1}, insert, commit (Message DB's write_message). */
    ADVISORY_LOCK;

    /** The name used on the command line. */
    public String optionName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The mode named {@code name}: insert-expected or advisory-lock. */
    public static Mode forName(String name) {
      for (Mode mode : values()) {
        if (mode.optionName().equalsIgnoreCase(name)) {
          return mode;
        }
      }
      throw new InvalidInputException("pg-mode", name, "must be insert-expected or advisory-lock");
    }
  }

  /**
   * Parameters.
   *
   * @param host             server address (loopback)
   * @param port             server port
   * @param user             role (trust authentication, no password)
   * @param database         database to create, use and drop
   * @param clients          concurrent connections, each a closed loop
   * @param streamsPerClient streams each client owns
   * @param eventBytes       bytes of each event's JSON document
   * @param durationMs       length of the measured phase
   * @param warmupMs         length of the uncounted warm-up
   * @param mode             how an append checks the expected version
   * @param seed             seed of the stream choice and payloads
   */
  public record Params(String host, int port, String user, String database, int clients, int streamsPerClient,
                       int eventBytes, long durationMs, long warmupMs, Mode mode, long seed) {

    /** Checks the parameters; {@link InvalidInputException} names the bad one. */
    public Params {
      if (clients < 1) {
        throw new InvalidInputException("pg-clients", clients, "must be at least 1");
      }
      if (streamsPerClient < 1) {
        throw new InvalidInputException("streams per client", streamsPerClient, "must be at least 1");
      }
      if (eventBytes < Payloads.MIN_BYTES) {
        throw new InvalidInputException("event-bytes", eventBytes, "must be at least " + Payloads.MIN_BYTES);
      }
      if (durationMs <= 0) {
        throw new InvalidInputException("duration", durationMs, "must be more than 0 ms");
      }
      if (!database.matches("[a-z_][a-z0-9_]*")) {
        throw new InvalidInputException("pg-database", database, "must be a plain lower-case SQL identifier");
      }
    }

    String url(String db) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + db + "?user=" + user
          + "&ApplicationName=cairn-bench&tcpKeepAlive=true";
    }
  }

  /**
   * What the measured phase did.
   *
   * @param events            events committed
   * @param conflicts         appends rejected by the version check (warm-up included; 0 expected)
   * @param payloadBytes      bytes of the committed documents
   * @param elapsedNanos      from the start of the measured phase to its last commit
   * @param latencies         latency of each measured transaction
   * @param serverVersion     {@code server_version}
   * @param synchronousCommit {@code synchronous_commit} of the benchmark sessions
   * @param fsync             {@code fsync}
   * @param walSyncMethod     {@code wal_sync_method}
   * @param rows              rows in the table at the end (warm-up included)
   */
  public record Outcome(long events, long conflicts, long payloadBytes, long elapsedNanos, Latencies latencies,
                        String serverVersion, String synchronousCommit, String fsync, String walSyncMethod,
                        long rows) {

    /** The standard figures; the heap is the benchmark JVM's and means little for a server peer. */
    public RunFigures figures(double heapUsedMb) {
      return new RunFigures(events, payloadBytes, elapsedNanos, latencies, heapUsedMb);
    }
  }

  /** Creates the database, runs the workload, drops the database. */
  public static Outcome run(Params params) throws SQLException {
    try (Connection admin = DriverManager.getConnection(params.url("postgres"));
         Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + params.database() + " WITH (FORCE)");
      statement.execute("CREATE DATABASE " + params.database());
      try {
        return runIn(params);
      } finally {
        statement.execute("DROP DATABASE IF EXISTS " + params.database() + " WITH (FORCE)");
      }
    }
  }

  private static Outcome runIn(Params params) throws SQLException {
    String serverVersion;
    String fsync;
    String walSyncMethod;
    try (Connection connection = DriverManager.getConnection(params.url(params.database()));
         Statement statement = connection.createStatement()) {
      statement.execute(CREATE_TABLE);
      serverVersion = show(statement, "server_version");
      fsync = show(statement, "fsync");
      walSyncMethod = show(statement, "wal_sync_method");
    }
    Latencies latencies = new Latencies();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch connected = new CountDownLatch(params.clients());
    CountDownLatch go = new CountDownLatch(1);
    long[] phase = new long[2];
    List<Client> clients = new ArrayList<>();
    for (int c = 0; c < params.clients(); c++) {
      clients.add(new Client(c, params, latencies, failure, connected, go, phase));
    }
    clients.forEach(Thread::start);
    try {
      awaitLatch(connected, Duration.ofSeconds(60), "connecting " + params.clients() + " clients");
      if (failure.get() != null) {
        go.countDown();
        throw new BenchException("a PostgreSQL client failed to connect: " + failure.get(), failure.get());
      }
      long start = System.nanoTime();
      phase[0] = start + TimeUnit.MILLISECONDS.toNanos(params.warmupMs());
      phase[1] = phase[0] + TimeUnit.MILLISECONDS.toNanos(params.durationMs());
      go.countDown();
      long joinDeadline = phase[1] + STOP_GRACE.toNanos();
      for (Client client : clients) {
        client.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while the PostgreSQL clients ran", e);
    } finally {
      go.countDown();
      for (Client client : clients) {
        if (client.isAlive()) {
          failure.compareAndSet(null, new BenchException("PostgreSQL client " + client.id
              + " did not stop within " + STOP_GRACE.toMillis() + " ms after the measured phase"));
          client.interrupt();
        }
      }
    }
    if (failure.get() != null) {
      throw new BenchException("PostgreSQL workload failed: " + failure.get(), failure.get());
    }
    long events = 0;
    long conflicts = 0;
    long lastCommit = phase[0];
    String synchronousCommit = "";
    for (Client client : clients) {
      events += client.measuredEvents;
      conflicts += client.conflicts;
      lastCommit = Math.max(lastCommit, client.lastCommitNanos);
      synchronousCommit = client.synchronousCommit;
    }
    long rows;
    try (Connection connection = DriverManager.getConnection(params.url(params.database()));
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT count(*) FROM events")) {
      rs.next();
      rows = rs.getLong(1);
    }
    return new Outcome(events, conflicts, events * params.eventBytes(), lastCommit - phase[0], latencies,
        serverVersion, synchronousCommit, fsync, walSyncMethod, rows);
  }

  private static String show(Statement statement, String setting) throws SQLException {
    try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void awaitLatch(CountDownLatch latch, Duration timeout, String what) throws InterruptedException {
    if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new BenchException(what + " took longer than " + timeout.toMillis() + " ms");
    }
  }

  /** One connection, one closed loop of single-event transactions on its own streams. */
  private static final class Client extends Thread {
    private final int id;
    private final Params params;
    private final Latencies latencies;
    private final AtomicReference<Throwable> failure;
    private final CountDownLatch connected;
    private final CountDownLatch go;
    private final long[] phase;
    private final int[] versions;
    private long measuredEvents;
    private long conflicts;
    private long lastCommitNanos;
    private String synchronousCommit = "";

    Client(int id, Params params, Latencies latencies, AtomicReference<Throwable> failure, CountDownLatch connected,
           CountDownLatch go, long[] phase) {
      super("pg-client-" + id);
      setDaemon(true);
      this.id = id;
      this.params = params;
      this.latencies = latencies;
      this.failure = failure;
      this.connected = connected;
      this.go = go;
      this.phase = phase;
      this.versions = new int[params.streamsPerClient()];
    }

    @Override
    public void run() {
      Connection connection = null;
      try {
        try {
          connection = DriverManager.getConnection(params.url(params.database()));
          try (Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = on");
            synchronousCommit = show(statement, "synchronous_commit");
          }
        } finally {
          connected.countDown();
        }
        go.await();
        if (failure.get() == null) {
          loop(connection);
        }
      } catch (SQLException | RuntimeException e) {
        failure.compareAndSet(null, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(connection);
      }
    }

    private void loop(Connection connection) throws SQLException {
      SplittableRandom random = new SplittableRandom(params.seed() * 31 + id);
      boolean insertExpected = params.mode() == Mode.INSERT_EXPECTED;
      connection.setAutoCommit(insertExpected);
      try (PreparedStatement insert = connection.prepareStatement(insertExpected ? INSERT_EXPECTED_SQL : INSERT_NEXT_SQL);
           PreparedStatement lock = connection.prepareStatement(LOCK_SQL);
           PreparedStatement version = connection.prepareStatement(VERSION_SQL)) {
        long measureStart = phase[0];
        long measureEnd = phase[1];
        while (failure.get() == null) {
          long issued = System.nanoTime();
          if (issued >= measureEnd) {
            return;
          }
          int stream = random.nextInt(versions.length);
          String streamId = "c" + id + "-s" + stream;
          String document = new String(Payloads.next(params.eventBytes(), random), StandardCharsets.US_ASCII);
          boolean committed = insertExpected
              ? insertExpected(insert, version, streamId, stream, document)
              : lockedInsert(connection, lock, insert, streamId, document);
          long now = System.nanoTime();
          if (committed && issued >= measureStart) {
            latencies.recordNanos(now - issued);
            measuredEvents++;
            lastCommitNanos = now;
          }
        }
      }
    }

    private boolean insertExpected(PreparedStatement insert, PreparedStatement version, String streamId, int stream,
                                   String document) throws SQLException {
      insert.setString(1, streamId);
      insert.setInt(2, versions[stream] + 1);
      insert.setString(3, EVENT_TYPE);
      insert.setString(4, document);
      try {
        insert.executeUpdate();
        versions[stream]++;
        return true;
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        conflicts++;
        version.setString(1, streamId);
        try (ResultSet rs = version.executeQuery()) {
          rs.next();
          versions[stream] = rs.getInt(1);
        }
        return false;
      }
    }

    private static boolean lockedInsert(Connection connection, PreparedStatement lock, PreparedStatement insert,
                                        String streamId, String document) throws SQLException {
      try {
        lock.setString(1, streamId);
        try (ResultSet rs = lock.executeQuery()) {
          rs.next();
        }
        insert.setString(1, streamId);
        insert.setString(2, EVENT_TYPE);
        insert.setString(3, document);
        insert.setString(4, streamId);
        insert.executeUpdate();
        connection.commit();
        return true;
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    }

    private static void closeQuietly(Connection connection) {
      if (connection == null) {
        return;
      }
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.warn("closing a PostgreSQL connection failed: {}", e.toString());
      }
    }
  }
}
