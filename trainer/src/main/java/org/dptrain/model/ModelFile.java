package org.dptrain.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;
import org.dptrain.network.NetworkSpec;

/**
 * Reads and writes model directories (format {@value #FORMAT}, version {@value #FORMAT_VERSION}).
 *
 * <pre>
 * model.json  {"format": "dptrain-model", "formatVersion": 1, "layers": [...],
 *              "activations": [...], "loss": "...",
 *              "weights": {"file": "weights.bin", "dtype": "float64", "byteOrder": "little",
 *                          "sha256": "&lt;hex&gt;"},
 *              ...any further fields}
 * weights.bin numParams little-endian IEEE-754 doubles: for each layer, W row-major, then b
 * </pre>
 *
 * <p>model.json is read with {@link BoundedJson} (nesting, size and length limits, no key twice);
 * weights.bin with {@link Float64Codec}. Of the further fields, {@code numFeatures} (written by
 * training) is checked against {@code layers[0]}, and {@value #CLASS_NAMES} against the classes
 * the loss and output layer give ({@link #classNames}).
 */
public final class ModelFile {
  public static final String FORMAT = "dptrain-model";
  public static final int FORMAT_VERSION = 1;
  public static final String MODEL_JSON = "model.json";
  public static final String WEIGHTS_BIN = "weights.bin";
  /** The fields every model.json has; a reader needs nothing else. */
  public static final List<String> REQUIRED_FIELDS =
      List.of("format", "formatVersion", "layers", "activations", "loss", "weights");
  /** The optional field holding the input width; when present it must equal layers[0]. */
  public static final String NUM_FEATURES = "numFeatures";
  /**
   * The optional field naming the classes of a model trained on class names, by class index: an
   * array of {@link #classCount} distinct, non-empty strings of at most
   * {@value #MAX_CLASS_NAME_LENGTH} characters. Absent when the labels were numbers.
   */
  public static final String CLASS_NAMES = "classNames";
  /** The longest class name a model holds. */
  public static final int MAX_CLASS_NAME_LENGTH = 256;
  /** Largest weights file read: the most bytes a Java array holds. */
  public static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 8;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFile() {}

  /**
   * Writes {@code model} as directory {@code dir}, which must not exist: everything is written under
   * a temporary name beside it and renamed into place, so a reader never sees half a model.
   *
   * @throws FileAlreadyExistsException if dir exists
   */
  public static void write(Path dir, Model model) throws IOException {
    write(dir, model, false);
  }

  /**
   * Writes {@code model} as directory {@code dir}; with {@code replace}, an existing model there is
   * replaced (the old one is moved aside, the new one renamed in, then the old one deleted).
   *
   * @throws IllegalArgumentException if a weight is not finite ({@link #read} would refuse the
   *     model); nothing is written and an existing model stays
   */
  public static void write(Path dir, Model model, boolean replace) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    if (Files.exists(target) && !replace) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "model directory exists; choose another or remove it");
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = createStagingDirectory(parent, target.getFileName() + ".tmp-");
    try {
      writeInto(tmp, model);
      if (Files.exists(target)) {
        Path old = createStagingDirectory(parent, target.getFileName() + ".old-");
        Files.delete(old);
        move(target, old);
        try {
          move(tmp, target);
        } catch (IOException e) {
          move(old, target);
          throw e;
        }
        deleteTree(old);
      } else {
        move(tmp, target);
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /**
   * Writes the model's two files into the existing directory {@code dir} (weights.bin first, then
   * model.json). Not atomic by itself: callers assemble a staging directory this way and rename it
   * into place (as {@link #write} does, and as the driver does with a whole run directory).
   *
   * @throws IllegalArgumentException if a weight is NaN or infinite (a model that could not be read)
   */
  public static void writeInto(Path dir, Model model) throws IOException {
    Encoded files = encode(model);
    Files.write(dir.resolve(WEIGHTS_BIN), files.weightsBin());
    Files.write(dir.resolve(MODEL_JSON), files.modelJson());
  }

  /**
   * A new hidden directory {@code .PREFIX<random>} in {@code parent}, readable by others
   * (rwxr-xr-x where POSIX permissions exist) so that a model can be served by another user;
   * {@link Files#createTempDirectory} alone would make it owner-only.
   */
  public static Path createStagingDirectory(Path parent, String prefix) throws IOException {
    Path dir = Files.createTempDirectory(parent, "." + prefix);
    if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dir;
  }

  /**
   * Reads and verifies a model directory: required fields present and valid, weights file the
   * right length with the recorded SHA-256, every weight finite.
   *
   * @throws ModelFileException naming the file and what is wrong
   */
  public static Model read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new ModelFileException("model directory not found: " + dir);
    }
    return decode(dir.toString(), name -> {
      Path file = dir.resolve(name);
      try {
        BoundedJson.checkSize(Files.size(file), maxBytes(name), file.toString());
        return Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        return null;
      } catch (BadDocumentException e) {
        throw new ModelFileException(e.getMessage(), e);
      }
    });
  }

  /**
   * The most bytes a reader of a model directory reads from its file {@code fileName}:
   * {@link BoundedJson#MAX_DOCUMENT_BYTES} for {@value #MODEL_JSON}, {@link #MAX_WEIGHTS_BYTES}
   * for the weights (whatever model.json names them).
   */
  public static long maxBytes(String fileName) {
    return fileName.equals(MODEL_JSON) ? BoundedJson.MAX_DOCUMENT_BYTES : MAX_WEIGHTS_BYTES;
  }

  /** The bytes of the files of a model directory, by file name; null for a missing file. */
  @FunctionalInterface
  public interface FileSource {
    byte[] read(String fileName) throws IOException;
  }

  /**
   * The two files of a model directory as bytes, for writers that do not use java.nio (a Hadoop
   * filesystem): write {@code weightsBin} to {@value #WEIGHTS_BIN}, then {@code modelJson} to
   * {@value #MODEL_JSON}.
   */
  public record Encoded(byte[] modelJson, byte[] weightsBin) {}

  /**
   * Encodes a model as the bytes of its two files.
   *
   * @throws IllegalArgumentException if a weight is NaN or infinite
   */
  public static Encoded encode(Model model) throws IOException {
    String bad = Float64Codec.nonFinite(model.weights(), "parameter");
    if (bad != null) {
      throw new IllegalArgumentException(bad + "; a model holds only finite weights");
    }
    try {
      classNames(model.spec(), model.extra().get(CLASS_NAMES));
    } catch (ModelFileException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    byte[] weights = Float64Codec.encode(model.weights());
    return new Encoded(JSON.writeValueAsBytes(toJson(model, sha256(weights))), weights);
  }

  /**
   * Decodes and verifies a model directory read through {@code files}: required fields present and
   * valid, weights file the right length with the recorded SHA-256, every weight finite. Only JSON
   * and raw doubles are parsed: nothing is deserialized as Java or Kryo objects.
   *
   * @param where the directory's name in messages (a path or URI)
   * @throws ModelFileException naming the file and what is wrong
   */
  public static Model decode(String where, FileSource files) throws IOException {
    String jsonPath = where + "/" + MODEL_JSON;
    byte[] jsonBytes = files.read(MODEL_JSON);
    if (jsonBytes == null) {
      throw new ModelFileException(jsonPath + " is missing");
    }
    JsonNode root;
    try {
      root = BoundedJson.readTree(jsonBytes, jsonPath);
    } catch (BadDocumentException e) {
      throw new ModelFileException(e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelFileException(jsonPath + " must hold a JSON object");
    }
    for (String field : REQUIRED_FIELDS) {
      if (!root.hasNonNull(field)) {
        throw new ModelFileException(jsonPath + ": required field '" + field + "' is missing");
      }
    }
    String format = root.get("format").asText();
    if (!FORMAT.equals(format)) {
      throw new ModelFileException(jsonPath + ": format is '" + format + "', expected '" + FORMAT
          + "'");
    }
    JsonNode version = root.get("formatVersion");
    if (!version.canConvertToInt() || !version.isIntegralNumber()) {
      throw new ModelFileException(jsonPath + ": formatVersion must be an integer, got " + version);
    }
    if (version.intValue() != FORMAT_VERSION) {
      throw new ModelFileException(jsonPath + ": formatVersion " + version.intValue()
          + " is not one this dptrain reads (" + FORMAT_VERSION + ")");
    }
    NetworkSpec spec = readSpec(jsonPath, root);
    checkNumFeatures(jsonPath, root, spec);
    try {
      classNames(spec, root.get(CLASS_NAMES));
    } catch (ModelFileException e) {
      throw new ModelFileException(jsonPath + ": " + e.getMessage(), e);
    }
    JsonNode w = root.get("weights");
    String file = text(jsonPath, w, "file");
    if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals(".")
        || file.equals("..")) {
      throw new ModelFileException(jsonPath + ": weights.file '" + file
          + "' must be a plain file name inside the model directory");
    }
    String dtype = text(jsonPath, w, "dtype");
    if (!"float64".equals(dtype)) {
      throw new ModelFileException(jsonPath + ": weights.dtype '" + dtype
          + "' is not supported (float64)");
    }
    String order = text(jsonPath, w, "byteOrder");
    if (!"little".equals(order)) {
      throw new ModelFileException(jsonPath + ": weights.byteOrder '" + order
          + "' is not supported (little)");
    }
    String expectedSha = text(jsonPath, w, "sha256");
    String weightsPath = where + "/" + file;
    byte[] bytes = files.read(file);
    if (bytes == null) {
      throw new ModelFileException(weightsPath + " is missing");
    }
    long expectedBytes = 8L * spec.numParams();
    if (bytes.length < expectedBytes) {
      throw new ModelFileException(weightsPath + " is truncated: " + bytes.length + " bytes, expected "
          + expectedBytes + " (" + spec.numParams() + " float64 parameters of " + spec + ")");
    }
    if (bytes.length > expectedBytes) {
      throw new ModelFileException(weightsPath + " is too long: " + bytes.length
          + " bytes, expected " + expectedBytes + " (" + spec.numParams()
          + " float64 parameters of " + spec + ")");
    }
    String actualSha = sha256(bytes);
    if (!actualSha.equalsIgnoreCase(expectedSha)) {
      throw new ModelFileException(weightsPath + " was altered or corrupted: its SHA-256 is "
          + actualSha + ", " + MODEL_JSON + " records " + expectedSha);
    }
    double[] weights = Float64Codec.decode(bytes, spec.numParams());
    String bad = Float64Codec.nonFinite(weights, "parameter");
    if (bad != null) {
      throw new ModelFileException(weightsPath + ": " + bad
          + "; a model holds only finite weights");
    }
    ObjectNode extra = ((ObjectNode) root).deepCopy();
    extra.remove(REQUIRED_FIELDS);
    return new Model(spec, weights, extra);
  }

  /** The model.json tree for a model whose weights have the given SHA-256. */
  static ObjectNode toJson(Model model, String sha256) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    ArrayNode layers = root.putArray("layers");
    for (int n : model.spec().layers()) {
      layers.add(n);
    }
    ArrayNode acts = root.putArray("activations");
    model.spec().activationIds().forEach(acts::add);
    root.put("loss", model.spec().loss().id());
    ObjectNode w = root.putObject("weights");
    w.put("file", WEIGHTS_BIN);
    w.put("dtype", "float64");
    w.put("byteOrder", "little");
    w.put("sha256", sha256);
    for (Map.Entry<String, JsonNode> e : model.extra().properties()) {
      root.set(e.getKey(), e.getValue());
    }
    return root;
  }

  /** Lower-case hex SHA-256. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }

  private static NetworkSpec readSpec(String jsonPath, JsonNode root) throws ModelFileException {
    JsonNode layersNode = root.get("layers");
    JsonNode actsNode = root.get("activations");
    JsonNode lossNode = root.get("loss");
    if (!layersNode.isArray()) {
      throw new ModelFileException(jsonPath + ": layers must be an array of integers, got "
          + layersNode);
    }
    int[] layers = new int[layersNode.size()];
    for (int i = 0; i < layers.length; i++) {
      JsonNode n = layersNode.get(i);
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw new ModelFileException(jsonPath + ": layers[" + i + "] must be an integer, got " + n);
      }
      layers[i] = n.intValue();
    }
    if (!actsNode.isArray()) {
      throw new ModelFileException(jsonPath + ": activations must be an array of names, got "
          + actsNode);
    }
    List<String> acts = new ArrayList<>();
    for (JsonNode a : actsNode) {
      if (!a.isTextual()) {
        throw new ModelFileException(jsonPath + ": activations must be names, got " + a);
      }
      acts.add(a.asText());
    }
    if (!lossNode.isTextual()) {
      throw new ModelFileException(jsonPath + ": loss must be a name, got " + lossNode);
    }
    try {
      return NetworkSpec.of(layers, acts, lossNode.asText());
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(jsonPath + ": " + e.getMessage(), e);
    }
  }

  /** A {@value #NUM_FEATURES} field, when present, is the input layer's width. */
  private static void checkNumFeatures(String jsonPath, JsonNode root, NetworkSpec spec)
      throws ModelFileException {
    JsonNode n = root.get(NUM_FEATURES);
    if (n == null) {
      return;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new ModelFileException(jsonPath + ": " + NUM_FEATURES + " must be an integer, got "
          + n);
    }
    if (n.intValue() != spec.inputSize()) {
      throw new ModelFileException(jsonPath + ": " + NUM_FEATURES + " is " + n.intValue()
          + " but layers[0] is " + spec.inputSize() + "; the input layer takes " + NUM_FEATURES
          + " features");
    }
  }

  /**
   * The number of classes of a network: its outputs with cross_entropy, 2 with
   * binary_cross_entropy (one sigmoid output), 0 for regression (mse, sse).
   */
  public static int classCount(NetworkSpec spec) {
    return switch (spec.loss()) {
      case CROSS_ENTROPY -> spec.outputSize();
      case BINARY_CROSS_ENTROPY -> 2;
      case MSE, SSE -> 0;
    };
  }

  /**
   * The class names of a model ({@value #CLASS_NAMES}), or null when it has none (its labels were
   * numbers).
   *
   * @throws ModelFileException if the field is not {@link #classCount} distinct non-empty strings
   *     of at most {@value #MAX_CLASS_NAME_LENGTH} characters
   */
  public static List<String> classNames(Model model) throws ModelFileException {
    return classNames(model.spec(), model.extra().get(CLASS_NAMES));
  }

  private static List<String> classNames(NetworkSpec spec, JsonNode node)
      throws ModelFileException {
    if (node == null) {
      return null;
    }
    int classes = classCount(spec);
    if (classes == 0) {
      throw new ModelFileException(CLASS_NAMES + " is given, but a " + spec.loss().id()
          + " model is a regression and has no classes");
    }
    if (!node.isArray()) {
      throw new ModelFileException(CLASS_NAMES + " must be an array of strings, got "
          + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (node.size() != classes) {
      throw new ModelFileException(CLASS_NAMES + " has " + node.size() + " names but the model has "
          + classes + " classes");
    }
    List<String> names = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode n = node.get(i);
      if (!n.isTextual()) {
        throw new ModelFileException(CLASS_NAMES + "[" + i + "] must be a string, got " + n);
      }
      String name = n.asText();
      if (name.isEmpty() || name.length() > MAX_CLASS_NAME_LENGTH) {
        throw new ModelFileException(CLASS_NAMES + "[" + i + "] has " + name.length()
            + " characters; a class name has 1 to " + MAX_CLASS_NAME_LENGTH);
      }
      if (!seen.add(name)) {
        throw new ModelFileException(CLASS_NAMES + "[" + i + "] \"" + name
            + "\" names a class a second time");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  private static String text(String jsonPath, JsonNode parent, String field)
      throws ModelFileException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isTextual()) {
      throw new ModelFileException(jsonPath + ": required field 'weights." + field
          + "' is missing or not a string");
    }
    return n.asText();
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically on this"
          + " filesystem", e);
    }
  }

  /** Deletes a directory tree if it exists. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
