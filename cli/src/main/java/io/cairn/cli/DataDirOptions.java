package io.cairn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --data-dir}, falling back to the environment variable {@value #DATA_DIR_ENV}: the data
 * directory of the commands that work on files only ({@code verify}). Used as a picocli mixin. The
 * commands that work through the {@code EventStore} API take {@link StoreTargetOptions} instead.
 */
public final class DataDirOptions {

  /** Environment variable naming the data directory when {@code --data-dir} is not given. */
  public static final String DATA_DIR_ENV = "CAIRN_DATA_DIR";

  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory of the local store (default: $" + DATA_DIR_ENV + ").")
  private Path dataDir;

  /**
   * The data directory from {@code --data-dir} or {@value #DATA_DIR_ENV}; a usage error if neither
   * is given.
   */
  public Path dataDir() {
    if (dataDir != null) {
      return dataDir;
    }
    return fromEnvironment(mixee).orElseThrow(() -> new ParameterException(mixee.commandLine(),
        "Missing required option: '--data-dir=DIR' (or set " + DATA_DIR_ENV + ")"));
  }

  /** The data directory named by {@value #DATA_DIR_ENV} in the environment {@code spec}'s command sees. */
  static Optional<Path> fromEnvironment(CommandSpec spec) {
    return Optional.ofNullable(CairnCli.environmentOf(spec).get(DATA_DIR_ENV))
        .filter(value -> !value.isBlank())
        .map(Path::of);
  }

  /**
   * {@code dir}, which MUST already exist: commands that only read or append never create an empty
   * store by mistake. A missing directory is a {@link CommandFailedException}.
   */
  static Path ensureExists(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CommandFailedException("data directory " + dir + " does not exist or is not a directory"
          + " (`cairn topics create` makes a new one)");
    }
    return dir;
  }

  /**
   * The data directory, which MUST already exist: commands that only read or append never create
   * an empty store by mistake. A missing directory is a {@link CommandFailedException}.
   */
  public Path existingDataDir() {
    return ensureExists(dataDir());
  }
}
