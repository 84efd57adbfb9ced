package io.cairn.cli;

import io.cairn.bench.cli.BenchCommand;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;

/**
 * {@code cairn}, the command line of Cairn ({@code bin/cairn}). Each data command opens the local
 * store in {@code --data-dir} (or {@code $CAIRN_DATA_DIR}) or connects to the running node named by
 * {@code --bootstrap}, does one thing, and closes the store (or connection) and Vert.x again. Results go to stdout, errors to stderr as one line; exit codes are those of
 * {@link ExitCodes}.
 *
 * <p>Build a configured command line with {@link #newCommandLine(Map)}; {@link #main} runs it on the
 * process's stdout/stderr (UTF-8) and exits with its code.
 */
@Command(name = "cairn", versionProvider = CairnCli.VersionProvider.class,
    description = {"Cairn: an event store on a Kafka-style log.",
        "Data commands work on a local data directory (--data-dir) or a running node (--bootstrap)."},
    subcommands = {
        TopicsCommand.class,
        AppendCommand.class,
        ReadCommand.class,
        ReadStreamCommand.class,
        TailCommand.class,
        DumpCommand.class,
        VerifyCommand.class,
        BenchCommand.class,
        NodeCommand.class,
        HelpCommand.class,
    },
    footer = {"", "Exit codes: 0 ok, 1 failure (storage error, unknown topic, conflict, problems found),"
        + " 2 bad usage.", "Run 'cairn COMMAND --help' for a command's options."})
public final class CairnCli {

  /** Where Maven's archiver puts the module's coordinates inside the jar. */
  static final String POM_PROPERTIES = "/META-INF/maven/io.cairn/cairn-cli/pom.properties";
  /** What {@code --version} says when the classes do not come from the built jar. */
  static final String UNKNOWN_VERSION = "(development build)";
  /** System property raising the log level of Cairn's own loggers in slf4j-simple. */
  static final String CAIRN_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.io.cairn";

  @Mixin
  private CommonOptions common;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Show the version and exit.")
  private boolean versionRequested;

  private final Map<String, String> environment;

  /** A top command that reads environment variables from {@code environment}. */
  public CairnCli(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The environment variables the commands see. */
  public Map<String, String> environment() {
    return environment;
  }

  /**
   * A ready command line: every subcommand registered, errors mapped to exit codes by one handler,
   * environment variables (such as {@code CAIRN_DATA_DIR}) read from {@code environment} rather than
   * the process, so that tests can supply them. Output goes to the command line's
   * {@code getOut()}/{@code getErr()}: set them with {@code setOut}/{@code setErr}.
   */
  public static CommandLine newCommandLine(Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new CairnCli(environment));
    ErrorHandler errors = new ErrorHandler();
    commandLine.setParameterExceptionHandler(errors);
    commandLine.setExecutionExceptionHandler(errors);
    commandLine.setExecutionStrategy(CairnCli::execute);
    commandLine.getSubcommands().get("topics").getSubcommands().get("create").getCommandSpec().usageMessage()
        .footer(TopicsCommand.Create.settingsFooter());
    return commandLine;
  }

  /** Runs {@code cairn} with the process's environment and exits with the command's code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    int exitCode = newCommandLine(System.getenv()).setOut(out).setErr(err).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /**
   * The environment of the {@link CairnCli} at the root of {@code spec}'s hierarchy, or the
   * process's environment if the command runs outside one.
   */
  static Map<String, String> environmentOf(CommandSpec spec) {
    Object root = spec.root().userObject();
    return root instanceof CairnCli cli ? cli.environment : System.getenv();
  }

  /** The version of the running jar, from Maven's {@code pom.properties}, if built as a jar. */
  static Optional<String> jarVersion() {
    try (InputStream in = CairnCli.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in == null) {
        return Optional.empty();
      }
      Properties properties = new Properties();
      properties.load(in);
      return Optional.ofNullable(properties.getProperty("version"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + POM_PROPERTIES + " from the cairn-cli jar", e);
    }
  }

  private static int execute(ParseResult parseResult) {
    if (ErrorHandler.isVerbose(parseResult) && System.getProperty(CAIRN_LOG_LEVEL_PROPERTY) == null) {
      // Read by slf4j-simple when the first logger is made; the store is opened only after this.
      System.setProperty(CAIRN_LOG_LEVEL_PROPERTY, "debug");
    }
    return new RunLast().execute(parseResult);
  }

  /** {@code --version}: the Cairn version and the Java runtime. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
          "cairn " + jarVersion().orElse(UNKNOWN_VERSION),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
      };
    }
  }
}
