package org.dptrain.driver.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.dptrain.driver.eval.Metrics;

/**
 * What an epoch did, as one line of {@code metrics.jsonl} holds it: the one epoch-record format,
 * written by {@link #toJson} and read by {@link #fromJson}, used by the metrics file, the
 * checkpoints and the report. Times are as in {@link EpochReport}.
 *
 * @param epoch 1-based
 * @param step optimizer steps since the start of the run, at the end of this epoch
 * @param trainLoss mean training loss over the epoch's examples
 * @param learningRate learning rate at the end of the epoch
 * @param examples examples processed
 * @param seconds wall time of the epoch
 * @param computeSeconds Σ over synchronisations of the slowest partition's compute time
 * @param jobSeconds wall time of the Spark jobs
 * @param broadcastSeconds driver time creating and destroying broadcasts
 * @param updateSeconds driver time merging partials and applying the optimizer
 * @param samplesPerSecond examples per second of wall time
 * @param syncs synchronisations (Spark jobs) in the epoch
 * @param steps optimizer steps taken in the epoch (-1 when read from a file written before
 *     dptrain recorded it)
 * @param validation the validation metrics after the epoch ({@link Metrics#toJson}), or null
 *     when the run had no validation data
 */
public record EpochRecord(int epoch, long step, double trainLoss, double learningRate,
    long examples, double seconds, double computeSeconds, double jobSeconds,
    double broadcastSeconds, double updateSeconds, double samplesPerSecond, int syncs, int steps,
    @JsonInclude(JsonInclude.Include.NON_NULL) ObjectNode validation) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The record of an epoch the trainer reported, {@code step} steps into the run. */
  public static EpochRecord of(EpochReport r, long step, Metrics validation) {
    return new EpochRecord(r.epoch(), step, r.trainLoss(), r.learningRate(), r.examples(),
        r.seconds(), r.computeSeconds(), r.jobSeconds(), r.broadcastSeconds(), r.updateSeconds(),
        r.samplesPerSecond(), r.syncs(), r.steps(), validation == null ? null
            : validation.toJson());
  }

  /** The trainer's report this record was made from. */
  public EpochReport report() {
    return new EpochReport(epoch, steps, syncs, trainLoss, examples, seconds, computeSeconds,
        learningRate, broadcastSeconds, jobSeconds, updateSeconds);
  }

  /** The validation metrics, or null without validation data. */
  public Metrics metrics() {
    return validation == null ? null : Metrics.fromJson(validation);
  }

  /** Whether the epoch was validated. */
  public boolean hasValidation() {
    return validation != null && !validation.isEmpty();
  }

  /** The named validation metric, or NaN when it was not measured. */
  public double validationMetric(String name) {
    JsonNode v = validation == null ? null : validation.get(name);
    return v == null || !v.isNumber() ? Double.NaN : v.doubleValue();
  }

  /** As one line of {@code metrics.jsonl}: the components in order, validation when present. */
  public ObjectNode toJson() {
    return JSON.valueToTree(this);
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @param where the file and line, for messages
   * @throws IllegalArgumentException naming {@code where} and the field that is missing or wrong
   */
  public static EpochRecord fromJson(JsonNode o, String where) {
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException(where + " must hold a JSON object");
    }
    JsonNode v = o.get("validation");
    if (v != null && !v.isNull() && !v.isObject()) {
      throw new IllegalArgumentException(where + ": 'validation' must be an object, got " + v);
    }
    JsonNode steps = o.get("steps");
    return new EpochRecord(integer(o, "epoch", where), wholeNumber(o, "step", where),
        number(o, "trainLoss", where), number(o, "learningRate", where),
        wholeNumber(o, "examples", where), number(o, "seconds", where),
        number(o, "computeSeconds", where), number(o, "jobSeconds", where),
        number(o, "broadcastSeconds", where), number(o, "updateSeconds", where),
        number(o, "samplesPerSecond", where), integer(o, "syncs", where),
        steps == null ? -1 : integer(o, "steps", where),
        v == null || v.isNull() ? null : (ObjectNode) v);
  }

  private static double number(JsonNode o, String field, String where) {
    return field(o, field, where, false).doubleValue();
  }

  private static long wholeNumber(JsonNode o, String field, String where) {
    return field(o, field, where, true).longValue();
  }

  /** The field, a number (a whole number fitting a long when {@code whole}). */
  private static JsonNode field(JsonNode o, String field, String where, boolean whole) {
    JsonNode n = o.get(field);
    boolean ok = n != null && (whole ? n.isIntegralNumber() && n.canConvertToLong()
        : n.isNumber());
    if (!ok) {
      throw new IllegalArgumentException(where + ": field '" + field + "' is missing or not a "
          + (whole ? "whole number" : "number") + (n == null ? "" : ", got " + n));
    }
    return n;
  }

  private static int integer(JsonNode o, String field, String where) {
    long v = wholeNumber(o, field, where);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: field '%s' is %d, out of range", where, field, v));
    }
    return (int) v;
  }
}
