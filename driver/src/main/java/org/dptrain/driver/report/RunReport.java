package org.dptrain.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.eval.Metric;
import org.dptrain.driver.train.EpochRecord;
import org.dptrain.model.Model;

/**
 * Writes a run directory's report: {@value #HTML} and the PNG charts it shows, beside
 * model.json, from the directory's files alone.
 *
 * <p>What is charted: the training loss per epoch (the mean over the epoch's examples, each at the
 * weights it was seen with) against the validation loss in the same units (validation log loss for
 * cross-entropy losses, which is the same quantity; RMSE² for {@code mse}; ½·K·RMSE² for
 * {@code sse}); validation accuracy and macro F1 (or RMSE and MAE) per epoch; throughput; and the
 * confusion matrix of the kept weights on the validation data. Training accuracy is not charted
 * because it is not recorded: counting it would take either a change to the training kernels or a
 * second forward pass over all training data every epoch (an extra Spark job, about a third of a
 * synchronous epoch's compute), and the loss pair already shows over-fitting.
 */
public final class RunReport {
  public static final String HTML = "report.html";
  public static final String LOSS_PNG = "loss.png";
  public static final String METRIC_PNG = "metric.png";
  public static final String THROUGHPUT_PNG = "throughput.png";
  public static final String CONFUSION_PNG = "confusion.png";

  private RunReport() {}

  /**
   * Reads {@code runDir} and writes the report into it (replacing an earlier report).
   *
   * @return the files written, the HTML page first
   * @throws RunDirectoryException (or {@link org.dptrain.model.ModelFileException}) naming the
   *     file of the run directory that is missing or malformed; nothing is written then
   */
  public static List<Path> write(Path runDir) throws IOException {
    RunData run = RunData.read(runDir);
    List<Path> charts = new ArrayList<>();
    String html = render(run, charts);
    Path page = run.dir().resolve(HTML);
    Path tmp = Files.createTempFile(run.dir(), ".report-", ".html");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      Files.move(tmp, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    List<Path> files = new ArrayList<>();
    files.add(page);
    files.addAll(charts);
    return files;
  }

  /**
   * The report of a run that {@code train} has just written: as {@link #write}, but a failure says
   * that the model itself is safe and how to retry.
   *
   * @throws IllegalStateException when the report cannot be written
   */
  public static Path writeAfterTraining(Path runDir) {
    try {
      return write(runDir).get(0);
    } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
      // AWT and font errors are Errors; the model is safe all the same
      throw new IllegalStateException("the model was written to " + runDir + " but its report"
          + " failed: " + e.getMessage() + "; retry with: dptrain report --run " + runDir, e);
    }
  }

  /** The page; writes the charts it references into the run directory and adds them to
   *  {@code written}. */
  static String render(RunData run, List<Path> written) throws IOException {
    Model model = run.model();
    ObjectNode extra = model.extra();
    boolean classification = run.isClassification();
    List<EpochRecord> epochs = run.epochs();
    boolean hasValidation = epochs.stream().anyMatch(EpochRecord::hasValidation);
    Html h = new Html();
    String name = run.dir().getFileName().toString();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .text("dptrain run " + name).raw("</title>\n<style>\n").raw(CSS).raw("</style>\n</head>\n"
            + "<body>\n<h1>").text("dptrain run " + name).raw("</h1>\n<p class=\"path\">")
        .text(run.dir().toString()).raw("</p>\n");

    // summary
    JsonNode training = extra.path("training");
    h.raw("<h2>Summary</h2>\n<table class=\"kv\">\n");
    h.row("task", run.task());
    h.row("layers", joined(model.spec().layers()));
    h.row("activations", String.join(", ", model.spec().activationIds()));
    h.row("loss", model.spec().loss().id());
    h.row("parameters", String.format(Locale.ROOT, "%,d", model.spec().numParams()));
    h.row("epochs run", training.path("epochsRun").asText("?") + (training.path("stoppedEarly")
        .asBoolean(false) ? " (stopped early)" : ""));
    h.row("kept epoch", training.path("keptEpoch").asText("?"));
    h.row("optimizer steps", training.path("optimizerSteps").asText("?"));
    h.row("final training loss", format(training.path("finalTrainLoss").asDouble(Double.NaN)));
    ObjectNode kept = run.keptValidation();
    if (kept != null) {
      for (String metric : metricNames(classification)) {
        h.row("validation " + metric + " (kept epoch)", format(kept.path(metric)
            .asDouble(Double.NaN)));
      }
      h.row("validation examples", kept.path("count").asText("?"));
    } else {
      h.row("validation", "none: the run had no --validation data");
    }
    h.raw("</table>\n");

    // charts
    h.raw("<h2>Training</h2>\n");
    double[] x = new double[epochs.size()];
    double[] trainLoss = new double[epochs.size()];
    double[] valLoss = new double[epochs.size()];
    double[] throughput = new double[epochs.size()];
    for (int i = 0; i < x.length; i++) {
      EpochRecord e = epochs.get(i);
      x[i] = e.epoch();
      trainLoss[i] = e.trainLoss();
      valLoss[i] = validationLoss(e, model);
      throughput[i] = e.samplesPerSecond();
    }
    List<Charts.Series> loss = new ArrayList<>();
    loss.add(new Charts.Series("training loss (mean over the epoch)", x, trainLoss));
    if (hasValidation) {
      loss.add(new Charts.Series("validation " + validationLossName(model), x, valLoss));
    }
    chart(run, written, h, LOSS_PNG, Charts.epochChart("Loss per epoch (" + model.spec().loss()
        .id() + ")", "loss", loss, true, false), "Loss per epoch");
    h.raw("<p class=\"note\">").text(lossNote(model, hasValidation)).raw("</p>\n");

    if (hasValidation) {
      List<String> names = classification ? List.of("accuracy", "macro_f1")
          : List.of("rmse", "mae");
      List<Charts.Series> metric = new ArrayList<>();
      for (String m : names) {
        double[] y = new double[epochs.size()];
        for (int i = 0; i < y.length; i++) {
          y[i] = epochs.get(i).validationMetric(m);
        }
        metric.add(new Charts.Series("validation " + m, x, y));
      }
      chart(run, written, h, METRIC_PNG, Charts.epochChart(classification
          ? "Validation accuracy and macro F1 per epoch" : "Validation RMSE and MAE per epoch",
          classification ? "fraction" : "error (label units)", metric, false, false),
          classification ? "Validation accuracy per epoch" : "Validation error per epoch");
      h.raw("<p class=\"note\">Training ").text(classification ? "accuracy" : "RMSE")
          .raw(" is not recorded per epoch: it would need a second forward pass over all training"
              + " data every epoch (or a change to the training kernels); the training"
              + " metric is the loss above.</p>\n");
    } else {
      h.raw("<p class=\"missing\">No validation data: this run was trained without"
          + " <code>--validation</code>, so there is no validation metric per epoch and no"
          + " confusion matrix. Training accuracy is not recorded per epoch; the training metric"
          + " is the loss above.</p>\n");
    }
    chart(run, written, h, THROUGHPUT_PNG, Charts.epochChart("Throughput per epoch",
        "samples / s", List.of(new Charts.Series("training samples per second of wall time", x,
            throughput)), false, true), "Throughput per epoch");

    // confusion matrix
    if (classification) {
      h.raw("<h2>Confusion matrix</h2>\n");
      long[][] confusion = run.confusion();
      if (confusion == null) {
        h.raw("<p class=\"missing\">No validation data, so no confusion matrix.</p>\n");
      } else {
        h.raw("<p>Validation data, kept weights (epoch ").text(training.path("keptEpoch")
            .asText("?")).raw("); rows: true class, columns: predicted class.</p>\n");
        chart(run, written, h, CONFUSION_PNG, Charts.confusionChart(confusion),
            "Confusion matrix heat map");
        confusionTable(h, confusion);
      }
    }

    // per-epoch table, timings, environment, configuration
    epochTable(h, epochs, classification);
    timings(h, extra, epochs);
    h.raw("<h2>Environment</h2>\n<table class=\"kv\">\n");
    JsonNode p = extra.path("provenance");
    h.row("Spark master", p.path("master").asText("?"));
    h.row("partitions", p.path("partitions").asText("?"));
    h.row("BLAS", p.path("blas").asText("?"));
    h.row("dptrain", p.path("dptrainVersion").asText("?"));
    h.row("Spark", p.path("sparkVersion").asText("?"));
    h.row("Java", p.path("javaVersion").asText("?"));
    h.raw("</table>\n");
    h.raw("<h2>Effective configuration</h2>\n");
    ObjectNode config = run.config();
    if (config == null) {
      h.raw("<p class=\"missing\">model.json records no configuration (provenance.config).</p>\n");
    } else {
      h.raw("<table class=\"kv config\">\n");
      for (Map.Entry<String, JsonNode> e : config.properties()) {
        JsonNode v = e.getValue();
        h.row(e.getKey(), v.isNull() ? "(not set)" : v.isTextual() ? v.asText() : v.toString());
      }
      h.raw("</table>\n");
    }
    h.raw("<p class=\"footer\">Written by dptrain report from model.json and metrics.jsonl.</p>\n"
        + "</body>\n</html>\n");
    return h.toString();
  }

  /** The validation loss of an epoch in the units of the training loss, or NaN. */
  static double validationLoss(EpochRecord e, Model model) {
    return switch (model.spec().loss()) {
      case CROSS_ENTROPY, BINARY_CROSS_ENTROPY -> e.validationMetric("log_loss");
      case MSE -> {
        double rmse = e.validationMetric("rmse");
        yield rmse * rmse;
      }
      case SSE -> {
        double rmse = e.validationMetric("rmse");
        yield 0.5 * model.spec().outputSize() * rmse * rmse;
      }
    };
  }

  private static String validationLossName(Model model) {
    return switch (model.spec().loss()) {
      case CROSS_ENTROPY, BINARY_CROSS_ENTROPY -> "log loss";
      case MSE -> "loss (RMSE²)";
      case SSE -> "loss (½·K·RMSE²)";
    };
  }

  private static String lossNote(Model model, boolean hasValidation) {
    String training = "The training loss of an epoch is the mean over its examples, each at the"
        + " weights it was seen with (so it lags the end-of-epoch weights).";
    if (!hasValidation) {
      return training;
    }
    return training + switch (model.spec().loss()) {
      case CROSS_ENTROPY, BINARY_CROSS_ENTROPY -> " The validation log loss is the same quantity"
          + " (mean negative log-probability of the true class) at the end-of-epoch weights.";
      case MSE -> " The validation loss is RMSE², the mean squared error, at the end-of-epoch"
          + " weights.";
      case SSE -> " The validation loss is ½·K·RMSE² (K outputs), the sse loss, at the"
          + " end-of-epoch weights.";
    };
  }

  private static void chart(RunData run, List<Path> written, Html h, String file,
      org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String alt) throws IOException {
    Path png = run.dir().resolve(file);
    Charts.writePng(chart, png);
    written.add(png);
    h.raw("<figure><img src=\"").text(file).raw("\" alt=\"").text(alt).raw("\" width=\"")
        .raw(Integer.toString(chart.getWidth())).raw("\" height=\"")
        .raw(Integer.toString(chart.getHeight())).raw("\"></figure>\n");
  }

  private static void confusionTable(Html h, long[][] m) {
    int k = m.length;
    h.raw("<table class=\"confusion\">\n<tr><th>true \\ predicted</th>");
    for (int p = 0; p < k; p++) {
      h.raw("<th>").text(Integer.toString(p)).raw("</th>");
    }
    h.raw("<th>total</th><th>recall</th></tr>\n");
    long[] predicted = new long[k];
    long all = 0;
    for (int t = 0; t < k; t++) {
      long total = 0;
      h.raw("<tr><th>").text(Integer.toString(t)).raw("</th>");
      for (int p = 0; p < k; p++) {
        total += m[t][p];
        predicted[p] += m[t][p];
        h.raw(p == t ? "<td class=\"diag\">" : "<td>").text(Long.toString(m[t][p]))
            .raw("</td>");
      }
      all += total;
      h.raw("<td class=\"total\">").text(Long.toString(total)).raw("</td><td class=\"total\">")
          .text(total == 0 ? "–" : String.format(Locale.ROOT, "%.4f", (double) m[t][t] / total))
          .raw("</td></tr>\n");
    }
    h.raw("<tr><th>total</th>");
    for (long v : predicted) {
      h.raw("<td class=\"total\">").text(Long.toString(v)).raw("</td>");
    }
    h.raw("<td class=\"total\">").text(Long.toString(all)).raw("</td><td></td></tr>\n</table>\n");
  }

  /** The metrics the task's evaluation computes, by name ({@link Metric}). */
  private static List<String> metricNames(boolean classification) {
    return Metric.of(classification ? TaskType.BINARY : TaskType.REGRESSION).stream()
        .map(Metric::id).toList();
  }

  private static void epochTable(Html h, List<EpochRecord> epochs, boolean classification) {
    // folded: a run of hundreds of epochs would push everything below it off the page
    h.raw("<h2>Per epoch</h2>\n<details" + (epochs.size() <= 20 ? " open" : "") + "><summary>")
        .text(epochs.size() + (epochs.size() == 1 ? " epoch" : " epochs")).raw("</summary>\n"
            + "<table class=\"epochs\">\n<tr><th>epoch</th><th>step</th><th>training loss</th>");
    List<String> metrics = metricNames(classification);
    boolean hasValidation = epochs.stream().anyMatch(EpochRecord::hasValidation);
    if (hasValidation) {
      for (String m : metrics) {
        h.raw("<th>validation ").text(m).raw("</th>");
      }
    }
    h.raw("<th>learning rate</th><th>samples/s</th><th>seconds</th></tr>\n");
    for (EpochRecord e : epochs) {
      h.raw("<tr><td>").text(Integer.toString(e.epoch())).raw("</td><td>")
          .text(Long.toString(e.step())).raw("</td><td>").text(format(e.trainLoss()))
          .raw("</td>");
      if (hasValidation) {
        for (String m : metrics) {
          h.raw("<td>").text(format(e.validationMetric(m))).raw("</td>");
        }
      }
      h.raw("<td>").text(e.learningRate() == 0 ? "0"
          : String.format(Locale.ROOT, "%.4g", e.learningRate())).raw("</td><td>")
          .text(String.format(Locale.ROOT, "%,.0f", e.samplesPerSecond())).raw("</td><td>")
          .text(String.format(Locale.ROOT, "%.2f", e.seconds())).raw("</td></tr>\n");
    }
    h.raw("</table>\n</details>\n");
  }

  private static void timings(Html h, ObjectNode extra, List<EpochRecord> epochs) {
    double seconds = 0;
    double compute = 0;
    double jobs = 0;
    double broadcast = 0;
    double update = 0;
    long syncs = 0;
    long examples = 0;
    for (EpochRecord e : epochs) {
      seconds += e.seconds();
      compute += e.computeSeconds();
      jobs += e.jobSeconds();
      broadcast += e.broadcastSeconds();
      update += e.updateSeconds();
      syncs += e.syncs();
      examples += e.examples();
    }
    h.raw("<h2>Timings</h2>\n<table class=\"kv\">\n");
    JsonNode p = extra.path("provenance");
    h.row("started", p.path("startedAt").asText("?"));
    h.row("finished", p.path("finishedAt").asText("?"));
    h.row("training (sum of epochs)", String.format(Locale.ROOT, "%.2f s", seconds));
    h.row("Spark jobs", share(jobs, seconds) + ", of which compute (slowest partition) "
        + share(compute, seconds));
    h.row("broadcasts", share(broadcast, seconds));
    h.row("merge and optimizer update", share(update, seconds));
    h.row("synchronisations", String.format(Locale.ROOT, "%,d (%.1f ms each)", syncs,
        syncs == 0 ? 0.0 : 1000 * seconds / syncs));
    h.row("mean throughput", String.format(Locale.ROOT, "%,.0f samples/s", seconds > 0
        ? examples / seconds : 0.0));
    h.raw("</table>\n");
  }

  private static String share(double part, double whole) {
    return String.format(Locale.ROOT, "%.2f s (%.0f%%)", part, whole > 0 ? 100 * part / whole : 0);
  }

  static String format(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
  }

  private static String joined(int[] values) {
    StringBuilder b = new StringBuilder();
    for (int v : values) {
      b.append(b.length() > 0 ? "-" : "").append(v);
    }
    return b.toString();
  }

  /** A string builder that escapes text for HTML. */
  static final class Html {
    private final StringBuilder b = new StringBuilder();

    Html raw(String s) {
      b.append(s);
      return this;
    }

    Html text(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '<' -> b.append("&lt;");
          case '>' -> b.append("&gt;");
          case '&' -> b.append("&amp;");
          case '"' -> b.append("&quot;");
          case '\'' -> b.append("&#39;");
          default -> b.append(c);
        }
      }
      return this;
    }

    Html row(String key, String value) {
      return raw("<tr><th>").text(key).raw("</th><td>").text(value).raw("</td></tr>\n");
    }

    @Override
    public String toString() {
      return b.toString();
    }
  }

  private static final String CSS = """
      body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto;
             max-width: 60em; padding: 0 1em; color: #222; }
      h1 { font-size: 1.6em; margin-bottom: 0.1em; }
      h2 { font-size: 1.2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em;
           margin-top: 1.8em; }
      .path, .footer { color: #666; font-size: 0.9em; }
      table { border-collapse: collapse; margin: 0.5em 0; }
      th, td { padding: 0.25em 0.7em; border: 1px solid #ddd; text-align: left;
               font-variant-numeric: tabular-nums; }
      table.kv th { background: #f6f6f6; font-weight: normal; color: #444; }
      table.epochs td, table.confusion td { text-align: right; }
      table.confusion td.diag { background: #deebf7; font-weight: bold; }
      table.confusion td.total { color: #555; }
      figure { margin: 1em 0; }
      img { max-width: 100%; height: auto; border: 1px solid #eee; }
      .note { color: #555; font-size: 0.9em; }
      .missing { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.5em 0.8em; }
      summary { cursor: pointer; color: #444; }
      code { background: #f3f3f3; padding: 0 0.2em; }
      """;
}
