package org.dptrain.driver.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.driver.fs.SafeName;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;
import org.dptrain.model.Float64Codec;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.model.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one run in one directory on any Hadoop filesystem (see the package
 * documentation for the layout). Writes a checkpoint completely or not at all, replaces the
 * {@value #LATEST} marker last, keeps the newest {@code keepLast}; reads verify every file against
 * the manifest and skip a bad checkpoint with a WARN line naming it and why.
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Binds records, refusing missing, null and unknown fields. */
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static final String FORMAT = "dptrain-checkpoint";
  public static final int FORMAT_VERSION = 2;
  /** The marker file naming the newest complete checkpoint. */
  public static final String LATEST = "latest";
  public static final String OPTIMIZER_BIN = "optimizer.bin";
  public static final String BEST_WEIGHTS_BIN = "best-weights.bin";
  public static final String STATE_JSON = "state.json";
  public static final String MANIFEST_JSON = "manifest.json";
  /** Present while a finished run removes its checkpoints. */
  public static final String FINISHED = "finished";
  /** The most bytes read of a {@value #MANIFEST_JSON} (one entry per file: a few hundred). */
  public static final long MAX_MANIFEST_BYTES = 1 << 20;
  /** The most bytes read of the {@value #LATEST} marker (a checkpoint name and a newline). */
  public static final long MAX_LATEST_BYTES = 1024;
  private static final Pattern NAME = Pattern.compile("ckpt-[0-9]{9,18}");

  /**
   * A checkpoint read and verified.
   *
   * @param name its directory name
   * @param state its contents
   */
  public record Loaded(String name, CheckpointState state) {}

  /**
   * The outcome of looking for the newest good checkpoint.
   *
   * @param newest the newest checkpoint that passed every check, or null
   * @param problems one line per checkpoint or file skipped, each naming it and why (also logged
   *     at WARN)
   */
  public record Scan(Loaded newest, List<String> problems) {}

  /** A checkpoint that failed a check; the message names the file and what is wrong. */
  public static final class BadCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadCheckpointException(String message) {
      super(message);
    }
  }

  private final HadoopFiles fs;
  private final Path root;
  private final int keepLast;

  /**
   * @param fs the filesystem access
   * @param dir the checkpoint directory (URI or local path)
   * @param keepLast complete checkpoints kept, at least 1
   */
  public CheckpointStore(HadoopFiles fs, String dir, int keepLast) {
    if (keepLast < 1) {
      throw new IllegalArgumentException("--keep-last must be at least 1, got " + keepLast);
    }
    this.fs = fs;
    this.root = fs.path(dir);
    this.keepLast = keepLast;
  }

  /** The checkpoint directory, fully qualified. */
  public Path root() {
    return root;
  }

  /** The name of the checkpoint taken at {@code globalStep}: {@code ckpt-} and 9 digits or more. */
  public static String name(long globalStep) {
    return String.format(Locale.ROOT, "ckpt-%09d", globalStep);
  }

  /** Names of the checkpoint directories present (complete or not), newest (highest step) first. */
  public List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus f : fs.list(root)) {
      String n = f.getPath().getName();
      if (f.isDirectory() && NAME.matcher(n).matches()) {
        names.add(n);
      }
    }
    names.sort(Comparator.comparingLong(CheckpointStore::step).reversed());
    return names;
  }

  /** Whether the directory holds any checkpoint or a {@value #LATEST} marker. */
  public boolean hasCheckpoints() throws IOException {
    return !names().isEmpty() || fs.exists(new Path(root, LATEST));
  }

  /**
   * Writes {@code s} as checkpoint {@link #name}(globalStep), then points {@value #LATEST} at it,
   * then deletes all but the newest {@code keepLast} checkpoints. A directory of that name left by
   * an earlier, abandoned attempt (a checkpoint newer than the one a run resumed from) is replaced.
   *
   * @return the checkpoint's name
   * @throws IllegalArgumentException if a weight is not finite (nothing is written)
   */
  public String write(CheckpointState s) throws IOException {
    String name = name(s.globalStep());
    Path dir = new Path(root, name);
    ModelFile.Encoded model = ModelFile.encode(s.model());
    List<HadoopFiles.NamedBytes> files = new ArrayList<>();
    files.add(new HadoopFiles.NamedBytes(ModelFile.WEIGHTS_BIN, model.weightsBin()));
    files.add(new HadoopFiles.NamedBytes(OPTIMIZER_BIN, Float64Codec.encode(s.optimizerState())));
    if (s.bestWeights() != null) {
      checkFinite("best weights", s.bestWeights());
      files.add(new HadoopFiles.NamedBytes(BEST_WEIGHTS_BIN, Float64Codec.encode(s.bestWeights())));
    }
    checkFinite("optimizer state", s.optimizerState());
    files.add(new HadoopFiles.NamedBytes(ModelFile.MODEL_JSON, model.modelJson()));
    files.add(new HadoopFiles.NamedBytes(STATE_JSON, JSON.writeValueAsBytes(s.state())));
    Map<String, Manifest.FileEntry> entries = new LinkedHashMap<>();
    for (HadoopFiles.NamedBytes f : files) {
      entries.put(f.name(), new Manifest.FileEntry(f.bytes().length,
          ModelFile.sha256(f.bytes())));
    }
    Manifest manifest = new Manifest(FORMAT, FORMAT_VERSION, s.globalStep(), entries);
    files.add(new HadoopFiles.NamedBytes(MANIFEST_JSON, JSON.writeValueAsBytes(manifest)));
    if (fs.exists(dir)) {
      LOG.warn("replacing checkpoint {} left by an abandoned attempt", dir);
      fs.delete(dir);
    }
    fs.writeDirectory(dir, files);
    fs.writeFile(new Path(root, LATEST), (name + "\n").getBytes(StandardCharsets.UTF_8), true);
    List<String> names = names();
    for (String old : names.subList(Math.min(keepLast, names.size()), names.size())) {
      LOG.info("deleting checkpoint {} (--keep-last {})", old, keepLast);
      fs.delete(new Path(root, old));
    }
    return name;
  }

  /**
   * The newest checkpoint that passes every check. Staging directories of unfinished writes are
   * ignored, bad checkpoints skipped, a {@value #LATEST} marker naming a missing checkpoint is
   * reported; each such problem is logged at WARN and returned.
   */
  public Scan newestGood() throws IOException {
    List<String> problems = new ArrayList<>();
    for (FileStatus f : fs.list(root)) {
      String n = f.getPath().getName();
      if (n.startsWith(".ckpt-") && n.contains(".tmp-")) {
        problems.add(warn("ignoring " + n + ": the staging directory of a checkpoint write that"
            + " did not finish"));
      }
    }
    List<String> names = names();
    String marked = latestMarker(problems);
    if (marked != null && !names.contains(marked)) {
      problems.add(warn(LATEST + " names " + marked + ", which does not exist in " + root
          + "; looking for the newest complete checkpoint"));
    }
    for (String n : names) {
      try {
        Loaded loaded = read(n);
        if (marked != null && names.contains(marked) && step(marked) < step(n)) {
          LOG.info("{} is newer than {} names ({}): the run stopped before updating the marker",
              n, LATEST, marked);
        }
        return new Scan(loaded, List.copyOf(problems));
      } catch (BadCheckpointException e) {
        problems.add(warn("skipping checkpoint " + n + ": " + e.getMessage()));
      }
    }
    return new Scan(null, List.copyOf(problems));
  }

  /**
   * Reads and verifies checkpoint {@code name}.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @throws BadCheckpointException naming the file and what is wrong (missing, wrong size, SHA-256
   *     mismatch, bad JSON, bad model)
   */
  public Loaded read(String name) throws IOException {
    SafeName.check("checkpoint name", name);
    Path dir = new Path(root, name);
    if (!fs.exists(dir)) {
      throw new BadCheckpointException(name + " does not exist in " + root);
    }
    Manifest manifest = manifest(name, json(name, MANIFEST_JSON,
        require(name, MANIFEST_JSON, read(name, dir, MANIFEST_JSON, MAX_MANIFEST_BYTES),
            " (the checkpoint is incomplete)")));
    Map<String, byte[]> files = new HashMap<>();
    for (var e : manifest.files().entrySet()) {
      String file = e.getKey();
      SafeFile.check(name, file);
      long expected = e.getValue().bytes();
      if (expected < 0 || expected > maxBytes(file)) {
        throw new BadCheckpointException(name + "/" + MANIFEST_JSON + " records " + expected
            + " bytes for " + file + "; dptrain reads 0 to " + maxBytes(file));
      }
      byte[] bytes;
      try {
        bytes = require(name, file, fs.readFile(new Path(dir, file), expected), "");
      } catch (HadoopFiles.FileTooLargeException tooLarge) {
        throw new BadCheckpointException(name + "/" + file + " has " + (tooLarge.size() >= 0
            ? tooLarge.size() + " bytes" : "more bytes than its status says") + ", "
            + MANIFEST_JSON + " records " + expected);
      }
      if (bytes.length != expected) {
        throw new BadCheckpointException(name + "/" + file + " has " + bytes.length + " bytes, "
            + MANIFEST_JSON + " records " + expected);
      }
      String sha = ModelFile.sha256(bytes);
      String recorded = e.getValue().sha256();
      if (!sha.equalsIgnoreCase(recorded)) {
        throw new BadCheckpointException(name + "/" + file + " was altered or corrupted: its"
            + " SHA-256 is " + sha + ", " + MANIFEST_JSON + " records " + recorded);
      }
      files.put(file, bytes);
    }
    for (String needed : List.of(ModelFile.MODEL_JSON, ModelFile.WEIGHTS_BIN, OPTIMIZER_BIN,
        STATE_JSON)) {
      if (!files.containsKey(needed)) {
        throw new BadCheckpointException(name + "/" + MANIFEST_JSON + " does not list " + needed);
      }
    }
    Model model;
    try {
      model = ModelFile.decode(name, files::get);
    } catch (ModelFileException e) {
      throw new BadCheckpointException(e.getMessage());
    }
    JsonNode state = json(name, STATE_JSON, files.get(STATE_JSON));
    if (!state.isObject()) {
      throw new BadCheckpointException(name + "/" + STATE_JSON + " must hold a JSON object");
    }
    double[] optimizer = doubles(name, OPTIMIZER_BIN, files.get(OPTIMIZER_BIN), -1);
    double[] best = files.containsKey(BEST_WEIGHTS_BIN) ? doubles(name, BEST_WEIGHTS_BIN,
        files.get(BEST_WEIGHTS_BIN), model.weights().length) : null;
    long globalStep = manifest.globalStep();
    if (!name.equals(name(globalStep))) {
      throw new BadCheckpointException(name + "/" + MANIFEST_JSON + " records global step "
          + globalStep + ", which does not match the checkpoint's name");
    }
    return new Loaded(name, new CheckpointState(globalStep, model, optimizer, best,
        (ObjectNode) state));
  }

  /**
   * Deletes the checkpoints newer than {@code kept} (abandoned by a resumed run, which continues
   * from {@code kept}) and the staging files of unfinished writes.
   */
  public void discardAfter(String kept) throws IOException {
    for (String n : names()) {
      if (step(n) > step(kept)) {
        LOG.warn("deleting checkpoint {} in {}: the run continues from {}", n, root, kept);
        fs.delete(new Path(root, n));
      }
    }
    deleteStaging();
  }

  /** Deletes the staging files of checkpoint and marker writes that did not finish. */
  public void deleteStaging() throws IOException {
    for (FileStatus f : fs.list(root)) {
      String n = f.getPath().getName();
      if ((n.startsWith(".ckpt-") || n.startsWith("." + LATEST + ".")) && n.contains(".tmp-")) {
        LOG.info("deleting {} in {}: left by a write that did not finish", n, root);
        fs.delete(f.getPath());
      }
    }
  }

  /**
   * Deletes every checkpoint and the marker (a finished run's checkpoints are spent). A
   * {@value #FINISHED} marker is written first and removed last, so a clean-up that fails half way
   * is finished by the next run on this directory instead of being resumed.
   */
  public void clear() throws IOException {
    fs.writeFile(new Path(root, FINISHED), "the run is finished; its checkpoints are being removed\n"
        .getBytes(StandardCharsets.UTF_8), true);
    fs.delete(new Path(root, LATEST));
    for (String n : names()) {
      fs.delete(new Path(root, n));
    }
    deleteStaging();
    fs.delete(new Path(root, FINISHED));
  }

  /** Completes the clean-up of a finished run that stopped half way ({@link #clear}). */
  public void clearIfFinished() throws IOException {
    if (fs.exists(new Path(root, FINISHED))) {
      LOG.warn("{} in {}: the run that wrote these checkpoints finished; removing what is left of"
          + " them", FINISHED, root);
      clear();
    }
  }

  private String latestMarker(List<String> problems) throws IOException {
    byte[] bytes;
    try {
      bytes = fs.readFile(new Path(root, LATEST), MAX_LATEST_BYTES);
    } catch (HadoopFiles.FileTooLargeException e) {
      problems.add(warn(e.getMessage() + ", not a checkpoint name; ignoring it"));
      return null;
    }
    if (bytes == null) {
      return null;
    }
    String text = new String(bytes, StandardCharsets.UTF_8).trim();
    if (!NAME.matcher(text).matches()) {
      problems.add(warn(LATEST + " in " + root + " holds '" + (text.length() > 40
          ? text.substring(0, 40) + "..." : text) + "', not a checkpoint name; ignoring it"));
      return null;
    }
    return text;
  }

  /**
   * A checkpoint's {@code manifest.json}, bound by Jackson.
   *
   * @param files every other file of the checkpoint, with its size and SHA-256
   */
  record Manifest(String format, int formatVersion, long globalStep,
      Map<String, FileEntry> files) {
    /** One file: its size in bytes and the hex SHA-256 of its content. */
    record FileEntry(long bytes, String sha256) {}
  }

  private static Manifest manifest(String name, JsonNode node) throws BadCheckpointException {
    if (!FORMAT.equals(node.path("format").asText())
        || node.path("formatVersion").asInt(-1) != FORMAT_VERSION) {
      throw new BadCheckpointException(name + "/" + MANIFEST_JSON + " is not a " + FORMAT
          + " manifest of version " + FORMAT_VERSION);
    }
    try {
      Manifest m = STRICT.treeToValue(node, Manifest.class);
      if (m.files() == null) {
        throw new BadCheckpointException(name + "/" + MANIFEST_JSON + " lists no files");
      }
      return m;
    } catch (JsonProcessingException e) {
      throw new BadCheckpointException(name + "/" + MANIFEST_JSON + ": "
          + e.getOriginalMessage());
    }
  }

  private static String warn(String problem) {
    LOG.warn(problem);
    return problem;
  }

  private static long step(String name) {
    return Long.parseLong(name.substring("ckpt-".length()));
  }

  private static byte[] require(String name, String file, byte[] bytes, String why)
      throws BadCheckpointException {
    if (bytes == null) {
      throw new BadCheckpointException(name + "/" + file + " is missing" + why);
    }
    return bytes;
  }

  /** The most bytes read of a file of a checkpoint: a JSON document's or a weights file's. */
  private static long maxBytes(String file) {
    return file.endsWith(".json") ? BoundedJson.MAX_DOCUMENT_BYTES : ModelFile.MAX_WEIGHTS_BYTES;
  }

  /** {@code dir/file}, at most {@code maxBytes} of it, or null if it is missing. */
  private byte[] read(String name, Path dir, String file, long maxBytes) throws IOException {
    try {
      return fs.readFile(new Path(dir, file), maxBytes);
    } catch (HadoopFiles.FileTooLargeException e) {
      throw new BadCheckpointException(name + "/" + file + " has " + (e.size() >= 0 ? e.size()
          : "more than " + maxBytes) + " bytes, more than the " + maxBytes + " dptrain reads");
    }
  }

  /** A JSON object read with {@link BoundedJson}: nesting, size and duplicate keys checked. */
  private static JsonNode json(String name, String file, byte[] bytes)
      throws BadCheckpointException {
    try {
      JsonNode n = BoundedJson.readTree(bytes, name + "/" + file);
      if (!n.isObject()) {
        throw new BadCheckpointException(name + "/" + file + " must hold a JSON object");
      }
      return n;
    } catch (BadDocumentException e) {
      throw new BadCheckpointException(e.getMessage());
    }
  }

  /** Float64 values of {@code file}: exactly {@code expected} of them (any number if &lt; 0). */
  private static double[] doubles(String name, String file, byte[] bytes, int expected)
      throws BadCheckpointException {
    String problem = Float64Codec.lengthProblem(bytes.length, expected);
    if (problem != null) {
      throw new BadCheckpointException(name + "/" + file + " " + problem);
    }
    double[] values = Float64Codec.decode(bytes);
    String bad = Float64Codec.nonFinite(values, "value");
    if (bad != null) {
      throw new BadCheckpointException(name + "/" + file + ": " + bad);
    }
    return values;
  }

  private static void checkFinite(String what, double[] values) {
    String bad = Float64Codec.nonFinite(values, what + " value");
    if (bad != null) {
      throw new IllegalArgumentException(bad + "; a checkpoint holds only finite values");
    }
  }

  /** File names inside a checkpoint: plain names, never paths. */
  private static final class SafeFile {
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    static void check(String name, String file) throws BadCheckpointException {
      if (!FILE.matcher(file).matches() || file.contains("..")) {
        throw new BadCheckpointException(name + "/" + MANIFEST_JSON + " lists '" + file
            + "', which is not a plain file name");
      }
    }
  }
}
