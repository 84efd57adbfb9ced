package io.cairn.eventstore;

/**
 * What an append expects the stream's current version to be (optimistic concurrency). A stream's
 * version is the number of events in it; the first event has version 1.
 */
public sealed interface ExpectedVersion {

  /** No check. */
  ExpectedVersion ANY = new Any();
  /** The stream must have no events (version 0). */
  ExpectedVersion NO_STREAM = new Exact(0);
  /** The stream must have at least one event. */
  ExpectedVersion STREAM_EXISTS = new StreamExists();

  /** The stream's version must be exactly {@code version} (0 = no stream). */
  static ExpectedVersion exactly(long version) {
    if (version < 0) {
      throw new InvalidInputException("expectedVersion", version, "must be 0 (no stream) or a positive stream version");
    }
    return version == 0 ? NO_STREAM : new Exact(version);
  }

  /** Whether a stream whose current version is {@code currentVersion} satisfies this expectation. */
  boolean matches(long currentVersion);

  /** No check at all. */
  record Any() implements ExpectedVersion {
    @Override
    public boolean matches(long currentVersion) {
      return true;
    }

    @Override
    public String toString() {
      return "any";
    }
  }

  /** At least one event. */
  record StreamExists() implements ExpectedVersion {
    @Override
    public boolean matches(long currentVersion) {
      return currentVersion > 0;
    }

    @Override
    public String toString() {
      return "exists";
    }
  }

  /** Exactly this version (0 = no stream). */
  record Exact(long version) implements ExpectedVersion {
    @Override
    public boolean matches(long currentVersion) {
      return currentVersion == version;
    }

    @Override
    public String toString() {
      return version == 0 ? "noStream" : Long.toString(version);
    }
  }
}
