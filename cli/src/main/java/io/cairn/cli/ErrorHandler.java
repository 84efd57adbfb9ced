package io.cairn.cli;

import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on stderr and an exit code (see {@link ExitCodes}):
 * <ul>
 *   <li>picocli parameter errors and {@link InvalidInputException} from our API: {@link ExitCodes#USAGE};</li>
 *   <li>other {@link CairnException}s (unknown topic, storage errors, closed store), I/O errors,
 *       timeouts and conflicts: {@link ExitCodes#FAILURE}, or a {@link CommandFailedException}'s own code;</li>
 *   <li>anything else is a bug: {@link ExitCodes#FAILURE} with the exception's class named.</li>
 * </ul>
 * Stack traces are printed only with {@code --verbose}. Stateless and thread-safe.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  static final String PREFIX = "error: ";

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine command = ex.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(PREFIX + ex.getMessage());
    if (isMissingSubcommand(ex)) {
      command.usage(err);
    } else {
      UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
    PrintWriter err = command.getErr();
    Throwable failure = unwrap(ex);
    int exitCode;
    if (failure instanceof InvalidInputException invalid) {
      err.println(PREFIX + invalid.getMessage());
      exitCode = ExitCodes.USAGE;
    } else if (failure instanceof CairnException cairn) {
      err.println(PREFIX + cairn.getMessage() + (cairn.retryable() ? " (temporary: retrying may succeed)" : ""));
      exitCode = ExitCodes.FAILURE;
    } else if (failure instanceof CommandFailedException failed) {
      err.println(PREFIX + failed.getMessage());
      exitCode = failed.exitCode();
    } else if (failure instanceof UncheckedIOException io) {
      err.println(PREFIX + describe(io.getCause()));
      exitCode = ExitCodes.FAILURE;
    } else if (failure instanceof IOException io) {
      err.println(PREFIX + describe(io));
      exitCode = ExitCodes.FAILURE;
    } else {
      err.println(PREFIX + "unexpected " + failure.getClass().getName() + ": " + failure.getMessage()
          + (isVerbose(parseResult) ? "" : " (run with --verbose for the stack trace)"));
      exitCode = ExitCodes.FAILURE;
    }
    if (isVerbose(parseResult)) {
      failure.printStackTrace(err);
    }
    err.flush();
    return exitCode;
  }

  /** A group command such as {@code cairn topics} called without one of its subcommands. */
  private static boolean isMissingSubcommand(ParameterException ex) {
    CommandLine command = ex.getCommandLine();
    return !command.getSubcommands().isEmpty() && !command.getParseResult().hasSubcommand()
        && !(ex instanceof UnmatchedArgumentException);
  }

  /** Whether {@code --verbose} was given to the top command or any subcommand. */
  static boolean isVerbose(ParseResult parseResult) {
    for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption(CommonOptions.VERBOSE)) {
        return true;
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while (current instanceof CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static String describe(IOException io) {
    if (io instanceof NoSuchFileException missing) {
      return "no such file or directory: " + missing.getFile();
    }
    if (io instanceof AccessDeniedException denied) {
      return "permission denied: " + denied.getFile();
    }
    return io.getClass().getSimpleName() + ": " + io.getMessage();
  }
}
