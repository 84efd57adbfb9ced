package io.cairn.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --data-dir DIR} or {@code --bootstrap HOST:PORT}: where a data command finds its store. A
 * picocli mixin. Exactly one is used: {@code --bootstrap} works against a running node, {@code --data-dir}
 * (or, when neither option is given, {@value DataDirOptions#DATA_DIR_ENV}) opens the local store.
 * Giving both options is a usage error, as is giving neither without the environment variable.
 */
public final class StoreTargetOptions {

  /** The option naming a running node. */
  public static final String BOOTSTRAP = "--bootstrap";
  /** The option naming a local data directory. */
  public static final String DATA_DIR = "--data-dir";

  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  @Option(names = DATA_DIR, paramLabel = "DIR",
      description = "Data directory of a local store (default: $" + DataDirOptions.DATA_DIR_ENV + ")."
          + " Not with " + BOOTSTRAP + ".")
  private Path dataDir;

  @Option(names = BOOTSTRAP, paramLabel = "HOST:PORT",
      description = "Work against the running node at HOST:PORT (its binary-protocol port) instead of a"
          + " local data directory.")
  private String bootstrapServers;

  /**
   * The target; a local data directory need not exist (it is created): for {@code topics create}.
   *
   * @param timeoutMs the bound on each wait, also the network client's request timeout
   */
  StoreTarget target(long timeoutMs) {
    if (dataDir != null && bootstrapServers != null) {
      throw new ParameterException(mixee.commandLine(), DATA_DIR + " and " + BOOTSTRAP
          + " are mutually exclusive: give a local data directory or a running node, not both");
    }
    if (bootstrapServers != null) {
      return new StoreTarget.RemoteNode(bootstrapServers, timeoutMs);
    }
    Path dir = dataDir != null ? dataDir : DataDirOptions.fromEnvironment(mixee).orElseThrow(() ->
        new ParameterException(mixee.commandLine(), "Missing required option: '" + DATA_DIR + "=DIR' or '"
            + BOOTSTRAP + "=HOST:PORT' (or set " + DataDirOptions.DATA_DIR_ENV + ")"));
    return new StoreTarget.LocalStore(dir);
  }

  /**
   * The target, whose local data directory MUST exist (a {@link CommandFailedException} otherwise):
   * commands that only read or append never create an empty store by mistake.
   */
  StoreTarget existingTarget(long timeoutMs) {
    StoreTarget target = target(timeoutMs);
    if (target instanceof StoreTarget.LocalStore local) {
      DataDirOptions.ensureExists(local.dataDir());
    }
    return target;
  }
}
