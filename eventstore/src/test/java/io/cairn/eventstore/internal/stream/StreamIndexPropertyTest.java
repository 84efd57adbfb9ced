package io.cairn.eventstore.internal.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Random sequences of appends, freezes, flush and merge jobs (run and installed at arbitrary
 * later steps), truncations, retention and reopens, checked after every step against a simple
 * model of the log: each aggregate's latest batch and several version windows must come out as
 * the model says, and no lookup may return a stale entry. Half the runs force hash collisions.
 */
class StreamIndexPropertyTest {

  enum Kind { APPEND, FREEZE, START_JOB, RUN_JOB, INSTALL_JOB, JOB_CYCLE, TRUNCATE, RETENTION, REOPEN }

  /** One step; {@code a} and {@code b} are its random parameters. */
  record Step(Kind kind, int a, int b) {
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Kind> kind = Arbitraries.frequencyOf(
        Tuple.of(30, Arbitraries.just(Kind.APPEND)),
        Tuple.of(6, Arbitraries.just(Kind.FREEZE)),
        Tuple.of(6, Arbitraries.just(Kind.START_JOB)),
        Tuple.of(5, Arbitraries.just(Kind.RUN_JOB)),
        Tuple.of(5, Arbitraries.just(Kind.INSTALL_JOB)),
        Tuple.of(10, Arbitraries.just(Kind.JOB_CYCLE)),
        Tuple.of(2, Arbitraries.just(Kind.TRUNCATE)),
        Tuple.of(2, Arbitraries.just(Kind.RETENTION)),
        Tuple.of(2, Arbitraries.just(Kind.REOPEN)));
    Arbitrary<Step> step = Combinators.combine(kind, Arbitraries.integers().between(0, 99),
        Arbitraries.integers().between(0, 99)).as(Step::new);
    return step.list().ofMinSize(40).ofMaxSize(250);
  }

  @Property(tries = 150)
  void lookupsAgreeWithAModelOfTheLog(@ForAll("steps") List<Step> steps, @ForAll boolean forceCollisions,
      @ForAll @IntRange(min = 2, max = 3) int mergeFactor, @ForAll @IntRange(min = 2, max = 3) int maxChunkFiles)
      throws IOException {
    Path dir = Files.createTempDirectory("stream-index-property");
    StreamIndexOptions options = new StreamIndexOptions().setMemtableMaxEntries(16).setMergeFactor(mergeFactor)
        .setMaxChunkFiles(maxChunkFiles);
    ModelLog log = new ModelLog(forceCollisions ? key -> key.hashCode() % 3 : StreamHash::hash64);
    StreamEntryBuffer out = new StreamEntryBuffer();
    List<StreamIndexJob> pending = new ArrayList<>();
    StreamIndex index = StreamIndex.open(dir, options, 0, 0);
    int maxChunks = 0;
    int mergesInstalled = 0;
    int jobsCancelled = 0;
    int truncationsIntoChunks = 0;
    try {
      for (Step step : steps) {
        switch (step.kind()) {
          case APPEND -> log.append(index, "k" + step.a() % 7, 1 + step.b() % 3);
          case FREEZE -> index.freeze();
          case START_JOB -> index.nextJob(log.logEndOffset()).ifPresent(pending::add);
          case RUN_JOB -> pending.stream().filter(job -> !job.hasRun()).findFirst().ifPresent(StreamIndexJob::run);
          case INSTALL_JOB -> {
            Optional<StreamIndexJob> ran = pending.stream().filter(StreamIndexJob::isFinished).findFirst();
            if (ran.isPresent()) {
              boolean installed = index.install(ran.get());
              mergesInstalled += installed && ran.get().isMerge() ? 1 : 0;
              jobsCancelled += installed ? 0 : 1;
              pending.remove(ran.get());
            }
          }
          case JOB_CYCLE -> {
            Optional<StreamIndexJob> job = index.nextJob(log.logEndOffset());
            if (job.isPresent()) {
              job.get().run();
              boolean installed = index.install(job.get());
              mergesInstalled += installed && job.get().isMerge() ? 1 : 0;
            }
          }
          case TRUNCATE -> {
            List<Long> boundaries = log.boundaries(log.logStartOffset(), log.logEndOffset());
            long offset = boundaries.get(boundaries.size() - 1 - step.a() % Math.min(4, boundaries.size()));
            log.truncateTo(offset);
            int chunksBefore = index.chunkFiles();
            long refeedFrom = index.truncateFrom(offset);
            truncationsIntoChunks += index.chunkFiles() < chunksBefore ? 1 : 0;
            log.refeed(index, refeedFrom);
          }
          case RETENTION -> {
            List<Long> boundaries = log.boundaries(log.logStartOffset(), log.logEndOffset());
            long offset = boundaries.get(step.a() % Math.min(6, boundaries.size()));
            log.advanceStart(offset);
            index.deleteBelow(offset);
          }
          case REOPEN -> {
            if (step.b() % 2 == 0) {
              index.writeMemtables(log.logEndOffset());
            }
            index.close();
            for (StreamIndexJob job : pending) {
              if (!job.hasRun()) {
                job.run();
              }
            }
            pending.clear();
            index = StreamIndex.open(dir, options, log.logStartOffset(), log.logEndOffset());
            log.refeed(index, index.indexedUpToOffset());
          }
          default -> throw new IllegalStateException(step.toString());
        }
        IndexChecks.assertAgreesWithModel(index, log, out);
        maxChunks = Math.max(maxChunks, index.chunkFiles());
      }
      Statistics.label("most chunk files").collect(Math.min(maxChunks, 4));
      Statistics.label("merges installed").collect(Math.min(mergesInstalled, 3));
      Statistics.label("jobs not installed (cancelled or failed)").collect(Math.min(jobsCancelled, 2));
      Statistics.label("truncations that dropped chunk files").collect(Math.min(truncationsIntoChunks, 2));
      for (StreamIndexJob job : pending) {
        if (!job.hasRun()) {
          job.run();
        }
        index.install(job);
      }
      IndexChecks.assertAgreesWithModel(index, log, out);
      index.writeMemtables(log.logEndOffset());
      index.close();
      index = StreamIndex.open(dir, options, log.logStartOffset(), log.logEndOffset());
      log.refeed(index, index.indexedUpToOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    } finally {
      index.close();
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
