package io.cairn.eventstore.internal.topic;

import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.UnknownTopicException;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The topics of a store and their configuration, persisted as one properties file per topic in
 * {@code <data.dir>/meta/topics/<name>.properties} (Kafka setting names). A file is written to a
 * temporary name, fsynced and renamed, then the directory is fsynced: a topic exists on disk
 * entirely or not at all.
 *
 * <p>Thread-safe for lookups; creation and deletion are serialized by the caller (the store).
 */
public final class TopicRegistry {

  /** Folder under the data directory holding the store's own metadata. */
  public static final String META_DIR = "meta";
  public static final String TOPICS_DIR = "topics";
  public static final String FILE_SUFFIX = ".properties";

  private final Path topicsDir;
  private final StorageIo io;
  private final Map<String, TopicConfig> topics = new ConcurrentSkipListMap<>();

  private TopicRegistry(Path topicsDir, StorageIo io) {
    this.topicsDir = topicsDir;
    this.io = io;
  }

  /** Loads every topic file under {@code dataDir}; a file that does not parse fails naming it. */
  public static TopicRegistry load(Path dataDir, StorageIo io) {
    Path dir = dataDir.resolve(META_DIR).resolve(TOPICS_DIR);
    TopicRegistry registry = new TopicRegistry(dir, io);
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + FILE_SUFFIX)) {
        for (Path file : files) {
          String fileName = file.getFileName().toString();
          String name = fileName.substring(0, fileName.length() - FILE_SUFFIX.length());
          registry.topics.put(TopicNames.ensureValid(name), readConfig(file));
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot read topic metadata in " + dir + ": " + e.getMessage(), e);
    }
    return registry;
  }

  private static TopicConfig readConfig(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, String> settings = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
    try {
      return TopicConfig.fromMap(settings);
    } catch (RuntimeException e) {
      throw new StorageException("topic metadata " + file + " is invalid: " + e.getMessage(), e);
    }
  }

  /** Persists a new topic; fails with {@link TopicExistsException} if the name is taken. */
  public synchronized void create(String name, TopicConfig config) {
    TopicNames.ensureValid(name);
    if (topics.containsKey(name)) {
      throw new TopicExistsException(name);
    }
    Properties properties = new Properties();
    config.toMap().forEach(properties::setProperty);
    StringWriter text = new StringWriter();
    try {
      properties.store(text, "Cairn topic " + name);
      DurableFiles.writeAtomically(io, topicsDir.resolve(name + FILE_SUFFIX),
          text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new StorageException("cannot write metadata of topic " + name + " in " + topicsDir + ": " + e.getMessage(), e);
    }
    topics.put(name, new TopicConfig(config));
  }

  /** Removes a topic's metadata durably. */
  public synchronized void delete(String name) {
    if (topics.remove(name) == null) {
      throw new UnknownTopicException(name);
    }
    try {
      DurableFiles.deleteDurably(io, topicsDir.resolve(name + FILE_SUFFIX));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The configuration of a topic, if it exists (a copy). */
  public Optional<TopicConfig> find(String name) {
    TopicConfig config = topics.get(name);
    return config == null ? Optional.empty() : Optional.of(new TopicConfig(config));
  }

  /** All topics by name, sorted (copies of their configurations are not made: do not change them). */
  public Map<String, TopicConfig> all() {
    return Collections.unmodifiableMap(topics);
  }
}
