package org.dptrain.driver.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.dptrain.driver.data.DataValidationException;
import org.dptrain.driver.registry.RegistryLockedException;
import org.dptrain.model.ModelFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * Entry point of {@code scripts/dptrain} and of {@code spark-submit --class
 * org.dptrain.driver.cli.Main}. Errors print one line naming what is wrong (set DPTRAIN_DEBUG=1 for
 * the stack trace) and exit 2 for bad input or usage, {@value RegistryLockedException#EXIT_CODE}
 * for a registry entry locked by another run, 1 for anything else.
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
    JobOptions.install(cli.getSubcommands().get("train"), Set.of());
    JobOptions.install(cli.getSubcommands().get("retrain"), JobOptions.NOT_FOR_RETRAIN);
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
    if (e instanceof RegistryLockedException locked) {
      err.println("dptrain: locked: " + locked.getMessage());
      err.flush();
      return RegistryLockedException.EXIT_CODE;
    }
    // Spark wraps failures of tasks; a data error inside one is reported as the data error it is
    Throwable t = e instanceof RuntimeException ? DataValidationException.unwrap(e) : e;
    boolean badInput = t instanceof IllegalArgumentException || t instanceof ModelFileException
        || t instanceof FileSystemException || t instanceof DataValidationException;
    String message = t instanceof FileSystemException f
        ? f.getFile() + ": " + (f.getReason() != null ? f.getReason() : describe(f))
        : t.getMessage();
    err.println("dptrain: " + (badInput ? "error: " : "failed: ") + message);
    if (System.getenv("DPTRAIN_DEBUG") != null) {
      e.printStackTrace(err);
    } else if (!badInput) {
      err.println("(set DPTRAIN_DEBUG=1 for the stack trace)");
    }
    err.flush();
    return badInput ? 2 : 1;
  }

  /** What a file-system error without a reason means (Java gives none for these). */
  private static String describe(FileSystemException f) {
    if (f instanceof FileAlreadyExistsException) {
      return "exists";
    } else if (f instanceof NoSuchFileException) {
      return "does not exist";
    } else if (f instanceof AccessDeniedException) {
      return "permission denied";
    } else if (f instanceof NotDirectoryException) {
      return "is not a directory";
    }
    return f.getClass().getSimpleName() + (f.getOtherFile() == null ? ""
        : " (" + f.getOtherFile() + ")");
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dptrain " + org.dptrain.driver.train.Provenance.version()};
    }
  }
}
