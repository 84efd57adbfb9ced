package io.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.LogInspector;
import io.cairn.eventstore.VerifyReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn verify}: checks every partition of a data directory offline (batch CRCs, dense
 * offsets, index entries, recovery points) without modifying anything, prints every problem with
 * its file and position, and exits {@link ExitCodes#OK} only if there is none. The store should be
 * closed: the tail of a segment being appended to may look torn.
 */
@Command(name = "verify",
    description = {"Check every partition of a data directory without changing it (CRCs, offsets, indexes).",
        "Exit code 0 only if everything is consistent, 1 if a problem is found."})
public final class VerifyCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private DataDirOptions data;

  @Mixin
  private CommonOptions common;

  @Option(names = "--json", description = "Print the report as one JSON object.")
  private boolean json;

  @Override
  public Integer call() {
    VerifyReport report = LogInspector.verify(data.existingDataDir());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.line(toJson(report)));
    } else {
      printText(report, out);
    }
    return report.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  static void printText(VerifyReport report, PrintWriter out) {
    out.println("Checked " + report.partitions() + " partition(s), " + report.segments() + " segment(s), "
        + report.batches() + " batch(es), " + report.bytes() + " bytes.");
    report.notes().forEach(note -> out.println("note: " + note));
    report.problems().forEach(problem -> out.println("PROBLEM: " + problem));
    out.println(report.ok() ? "OK: no problems found." : report.problems().size() + " problem(s) found.");
  }

  /**
   * {@code {"ok", "partitions", "segments", "batches", "bytes", "problems": [{"file", "position",
   * "message"}], "notes": [...]}}.
   */
  static ObjectNode toJson(VerifyReport report) {
    ObjectNode node = Json.object()
        .put("ok", report.ok())
        .put("partitions", report.partitions())
        .put("segments", report.segments())
        .put("batches", report.batches())
        .put("bytes", report.bytes());
    ArrayNode problems = node.putArray("problems");
    report.problems().forEach(problem -> problems.addObject()
        .put("file", problem.file().toString())
        .put("position", problem.position())
        .put("message", problem.message()));
    ArrayNode notes = node.putArray("notes");
    report.notes().forEach(notes::add);
    return node;
  }
}
