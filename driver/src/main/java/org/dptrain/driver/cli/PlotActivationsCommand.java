package org.dptrain.driver.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dptrain.driver.fs.OutputPath;
import org.dptrain.driver.report.ActivationPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dptrain plot-activations}: every activation and its derivative, as a PNG grid. */
@Command(name = "plot-activations", mixinStandardHelpOptions = true,
    description = {"Plot every activation and its derivative on [-10, 10] as computed by the"
        + " trainer's own code, one panel each, into a PNG file.",
        "Softmax maps a column to a column: it is shown on the two-class slice z = (z0, 0)."})
final class PlotActivationsCommand implements Callable<Integer> {
  @Option(names = "--output", required = true, paramLabel = "FILE.png",
      description = "PNG file to write (replaced if it exists)")
  String output;

  @Override
  public Integer call() throws Exception {
    Path file = OutputPath.checkNew("--output", output, "file");
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new IllegalArgumentException("--output " + output + " must end in .png");
    }
    if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
      throw new IllegalArgumentException("--output " + output + ": directory "
          + file.getParent() + " does not exist");
    }
    ActivationPlot.write(file);
    System.out.printf(Locale.ROOT, "%d activations plotted to %s (%d x %d)%n",
        ActivationPlot.panels(), file, ActivationPlot.width(), ActivationPlot.height());
    return 0;
  }
}
