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
 * directory of every data command. Used as a picocli mixin.
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
    Optional<String> fromEnv = Optional.ofNullable(CairnCli.environmentOf(mixee).get(DATA_DIR_ENV))
        .filter(value -> !value.isBlank());
    return fromEnv.map(Path::of).orElseThrow(() -> new ParameterException(mixee.commandLine(),
        "Missing required option: '--data-dir=DIR' (or set " + DATA_DIR_ENV + ")"));
  }

  /**
   * The data directory, which MUST already exist: commands that only read or append never create
   * an empty store by mistake. A missing directory is a {@link CommandFailedException}.
   */
  public Path existingDataDir() {
    Path dir = dataDir();
    if (!Files.isDirectory(dir)) {
      throw new CommandFailedException("data directory " + dir + " does not exist or is not a directory"
          + " (`cairn topics create` makes a new one)");
    }
    return dir;
  }
}
