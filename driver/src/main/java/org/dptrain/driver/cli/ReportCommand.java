package org.dptrain.driver.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;
import org.dptrain.driver.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dptrain report}: the HTML report and charts of a run directory. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write report.html and its PNG charts (loss, validation metric, throughput,"
        + " confusion matrix) into a run directory, from its model.json and metrics.jsonl.",
        "train does this at the end of every run unless given --no-report."})
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR",
      description = "Run directory written by dptrain train")
  String run;

  @Override
  public Integer call() throws Exception {
    List<Path> files = RunReport.write(Paths.get(run));
    System.out.println("report written to " + files.get(0) + " (" + (files.size() - 1)
        + " charts)");
    return 0;
  }
}
