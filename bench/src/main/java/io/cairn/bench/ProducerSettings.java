package io.cairn.bench;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.InvalidInputException;
import java.util.Locale;

/**
 * The producer settings both sides of a network benchmark get, by their Kafka names: {@code linger.ms},
 * {@code batch.size}, {@code compression.type}, {@code acks}, and {@code enable.idempotence} as Kafka's
 * producer derives it when it is not given: on only with {@code acks=all} (Kafka refuses an idempotent
 * producer with {@code acks=1}). Everything else stays at each client's default. Immutable.
 *
 * @param lingerMs    how long a batch may wait for more records, ms, 0 or more
 * @param batchBytes  batch size per partition, bytes, at least 1
 * @param compression a {@link CompressionType} configuration name: none, gzip, snappy, lz4, zstd
 * @param acks        {@code 0}, {@code 1} or {@code all} ({@code -1} is taken as {@code all})
 */
public record ProducerSettings(int lingerMs, int batchBytes, String compression, String acks) {

  /** Checks the rules above; {@link InvalidInputException} names the option. */
  public ProducerSettings {
    if (lingerMs < 0) {
      throw new InvalidInputException("linger-ms", lingerMs, "must be 0 or more");
    }
    if (batchBytes < 1) {
      throw new InvalidInputException("batch-bytes", batchBytes, "must be at least 1");
    }
    try {
      CompressionType.forName(compression);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("compression", compression, "must be one of none, gzip, snappy, lz4, zstd");
    }
    acks = acks.trim().toLowerCase(Locale.ROOT);
    if (acks.equals("-1")) {
      acks = "all";
    }
    if (!acks.equals("0") && !acks.equals("1") && !acks.equals("all")) {
      throw new InvalidInputException("acks", acks, "must be 0, 1, all or -1");
    }
  }

  /** Whether the producers are idempotent: only with {@code acks=all}, as in Kafka's producer. */
  public boolean idempotence() {
    return acks.equals("all");
  }

  /** The compression codec. */
  public CompressionType compressionType() {
    return CompressionType.forName(compression);
  }
}
