package org.dptrain.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.dptrain.driver.train.EpochRecord;
import org.dptrain.driver.train.MetricsLog;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;

/**
 * What a run directory holds, read and checked: the model (verified as {@link ModelFile#read}
 * does, so the report describes the weights that are there) and one {@link EpochRecord} per line
 * of {@code metrics.jsonl}.
 *
 * @param dir the run directory (absolute, normalised)
 * @param model the model with its {@code extra} fields (task, training, metrics, provenance)
 * @param epochs the epochs in file order, consecutively numbered from 1 (or from a later epoch
 *     for a resumed run)
 */
public record RunData(Path dir, Model model, List<EpochRecord> epochs) {
  public RunData {
    epochs = List.copyOf(epochs);
  }

  /**
   * Reads a run directory.
   *
   * @throws RunDirectoryException (or the {@link org.dptrain.model.ModelFileException} of
   *     {@link ModelFile#read}) naming the missing or malformed file, and the line of
   *     {@code metrics.jsonl} at fault; model.json's task and confusion matrix are checked too
   */
  public static RunData read(Path dir) throws IOException {
    Path d = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(d)) {
      throw new RunDirectoryException("run directory not found: " + d);
    }
    Model model = ModelFile.read(d);
    RunData run = new RunData(d, model, readMetrics(d.resolve(MetricsLog.FILE)));
    // checked now, so that a report is written whole or not at all
    run.task();
    run.confusion();
    return run;
  }

  /** The task of the run: {@code multiclass}, {@code binary} or {@code regression}. */
  public String task() throws RunDirectoryException {
    JsonNode t = model.extra().get("task");
    if (t == null || !t.isTextual()) {
      throw new RunDirectoryException(dir.resolve(ModelFile.MODEL_JSON)
          + ": field 'task' is missing or not a string; was this directory written by"
          + " dptrain train?");
    }
    return t.asText();
  }

  /** Whether the task is classification (multiclass or binary). */
  public boolean isClassification() throws RunDirectoryException {
    return !task().equals("regression");
  }

  /** Validation metrics of the kept weights ({@code metrics.validation} of model.json), or null
   *  when the run had no validation data. */
  public ObjectNode keptValidation() {
    JsonNode v = model.extra().path("metrics").get("validation");
    return v instanceof ObjectNode o ? o : null;
  }

  /**
   * The confusion matrix of the kept weights on the validation data (rows: true class, columns:
   * predicted), or null when the run had no validation data or is a regression.
   *
   * @throws RunDirectoryException when model.json holds a confusion matrix that is not a square
   *     array of non-negative integers
   */
  public long[][] confusion() throws RunDirectoryException {
    ObjectNode v = keptValidation();
    if (v == null || !v.has("confusion")) {
      return null;
    }
    JsonNode rows = v.get("confusion");
    String where = dir.resolve(ModelFile.MODEL_JSON) + ": metrics.validation.confusion";
    if (!rows.isArray() || rows.isEmpty()) {
      throw new RunDirectoryException(where + " must be a non-empty array of rows, got " + rows);
    }
    int k = rows.size();
    long[][] m = new long[k][k];
    for (int t = 0; t < k; t++) {
      JsonNode row = rows.get(t);
      if (!row.isArray() || row.size() != k) {
        throw new RunDirectoryException(where + " row " + t + " must hold " + k
            + " counts (a square matrix), got " + row);
      }
      for (int p = 0; p < k; p++) {
        JsonNode c = row.get(p);
        if (!c.canConvertToLong() || !c.isIntegralNumber() || c.longValue() < 0) {
          throw new RunDirectoryException(where + "[" + t + "][" + p
              + "] must be a non-negative integer, got " + c);
        }
        m[t][p] = c.longValue();
      }
    }
    return m;
  }

  /** The effective configuration ({@code provenance.config}), or null when model.json has none. */
  public ObjectNode config() {
    JsonNode c = model.extra().path("provenance").get("config");
    return c instanceof ObjectNode o ? o : null;
  }

  static List<EpochRecord> readMetrics(Path file) throws RunDirectoryException {
    try {
      return MetricsLog.read(file);
    } catch (NoSuchFileException e) {
      throw new RunDirectoryException(file + " is missing; a run directory written by dptrain"
          + " train has one line per epoch there", e);
    } catch (IllegalArgumentException e) {
      throw new RunDirectoryException(e.getMessage(), e);
    } catch (IOException e) {
      throw new RunDirectoryException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
