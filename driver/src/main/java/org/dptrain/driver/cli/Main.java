package org.dptrain.driver.cli;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.dptrain.driver.data.DataValidationException;
import org.dptrain.model.ModelFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code scripts/dptrain} and of {@code spark-submit --class
 * org.dptrain.driver.cli.Main}. Errors print one line naming what is wrong (set DPTRAIN_DEBUG=1 for
 * the stack trace) and exit 2 for bad input or usage, 1 for anything else.
 */
@Command(name = "dptrain", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Distributed data-parallel training of multilayer perceptrons on Apache Spark.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
        InspectCommand.class, ExportCommand.class, ReportCommand.class,
        PlotActivationsCommand.class, RetrainCommand.class, RegistryCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    // reports draw into images: never look for a display (a stale DISPLAY would fail the run)
    System.setProperty("java.awt.headless", "true");
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(e, cmd.getErr()));
    cli.setParameterExceptionHandler((e, argv) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("dptrain: error: " + e.getMessage());
      err.println("see: dptrain " + e.getCommandLine().getCommandName() + " --help");
      err.flush();
      return 2;
    });
    try {
      configureJobFile(cli, args);
    } catch (Exception e) {
      return report(e, cli.getErr());
    }
    return cli.execute(args);
  }

  /**
   * For {@code train} and {@code retrain}: the job file named by --config becomes the options'
   * defaults; for {@code train} with neither --config nor --data, the embedded Fashion-MNIST job
   * does (so {@code train --epochs 3} trains the sample for 3 epochs).
   */
  static void configureJobFile(CommandLine cli, String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("train") || args[0].equals("retrain"))) {
      return;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    String config = null;
    boolean data = false;
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      data |= a.equals("--data") || a.startsWith("--data=");
      if (a.equals("--config") && i + 1 < rest.size()) {
        config = rest.get(i + 1);
      } else if (a.startsWith("--config=")) {
        config = a.substring("--config=".length());
      }
    }
    JobFile file = null;
    if (config != null) {
      file = JobFile.read(Paths.get(config));
    } else if (args[0].equals("train") && !data && !rest.contains("--help")
        && !rest.contains("-h")) {
      file = JobFile.resource(TrainCommand.EMBEDDED_JOB);
    }
    if (file != null) {
      CommandLine command = cli.getSubcommands().get(args[0]);
      file.checkKeys(command.getCommandSpec());
      command.setDefaultValueProvider(file);
    }
  }

  static int report(Throwable e, PrintWriter err) {
    // Spark wraps failures of tasks; a data error inside one is reported as the data error it is
    Throwable t = e instanceof RuntimeException ? DataValidationException.unwrap(e) : e;
    boolean badInput = t instanceof IllegalArgumentException || t instanceof ModelFileException
        || t instanceof FileAlreadyExistsException || t instanceof DataValidationException;
    String message = t instanceof FileAlreadyExistsException f
        ? f.getFile() + ": " + f.getReason() : t.getMessage();
    err.println("dptrain: " + (badInput ? "error: " : "failed: ") + message);
    if (System.getenv("DPTRAIN_DEBUG") != null) {
      e.printStackTrace(err);
    } else if (!badInput) {
      err.println("(set DPTRAIN_DEBUG=1 for the stack trace)");
    }
    err.flush();
    return badInput ? 2 : 1;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dptrain " + org.dptrain.driver.train.TrainingJob.version()};
    }
  }
}
