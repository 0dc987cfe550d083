package org.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.dptrain.network.Initializer;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model directory format: round trips, the byte layout of weights.bin, every refusal of
 * {@link ModelFile#read} with its message, the write protocol, and the committed golden model
 * written by {@link GoldenModelFiles}.
 */
class ModelFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The small model of the refusal tests: 2 inputs, one sigmoid unit, 3 parameters. */
  private static final NetworkSpec SMALL =
      NetworkSpec.of(new int[] {2, 1}, List.of("sigmoid"), "binary_cross_entropy");
  private static final double[] SMALL_WEIGHTS = {0.5, -0.25, 0.125};

  @TempDir
  Path tmp;

  // ---------------------------------------------------------------- round trip and layout

  @Test
  void writeThenReadGivesTheSameSpecBitIdenticalWeightsAndTheExtraFields() throws IOException {
    NetworkSpec spec =
        NetworkSpec.of(new int[] {4, 5, 3}, List.of("relu", "softmax"), "cross_entropy");
    double[] w = Initializer.initialize(spec, 7);
    // values whose bits a lossy text or float32 round trip would change
    w[0] = -0.0;
    w[1] = Double.MIN_VALUE;
    w[2] = Double.MAX_VALUE;
    w[3] = 1.0 / 3.0;
    w[spec.biasOffset(2)] = -1e-300;
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    extra.putArray("classLabels").add("setosa").add("versicolor").add("virginica");
    ObjectNode provenance = extra.putObject("provenance");
    provenance.put("trainer", "dptrain");
    provenance.put("epochs", 12);
    provenance.putArray("metrics").add(0.25).add(0.125);
    Path dir = tmp.resolve("model");

    ModelFile.write(dir, new Model(spec, w, extra));
    Model read = ModelFile.read(dir);

    assertEquals(spec, read.spec());
    assertArrayEquals(bits(w), bits(read.weights()));
    assertEquals(extra, read.extra());
    assertEquals(List.of(ModelFile.MODEL_JSON, ModelFile.WEIGHTS_BIN), list(dir));
  }

  @Test
  void modelJsonRecordsTheRequiredFieldsAndTheShaOfWeightsBin() throws IOException {
    Path dir = tmp.resolve("model");

    ModelFile.write(dir, new Model(SMALL, SMALL_WEIGHTS));

    JsonNode root = JSON.readTree(dir.resolve("model.json").toFile());
    assertEquals("dptrain-model", root.get("format").asText());
    assertEquals(1, root.get("formatVersion").intValue());
    assertEquals("[2,1]", root.get("layers").toString());
    assertEquals("[\"sigmoid\"]", root.get("activations").toString());
    assertEquals("binary_cross_entropy", root.get("loss").asText());
    JsonNode weights = root.get("weights");
    assertEquals("weights.bin", weights.get("file").asText());
    assertEquals("float64", weights.get("dtype").asText());
    assertEquals("little", weights.get("byteOrder").asText());
    assertEquals(sha256(Files.readAllBytes(dir.resolve("weights.bin"))),
        weights.get("sha256").asText());
    assertEquals(6, root.size(), "no fields beyond the required ones: " + root);
  }

  @Test
  void aModelJsonWithOnlyTheRequiredFieldsLoads() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("handmade"));
    byte[] weights = littleEndian(SMALL_WEIGHTS);
    Files.write(dir.resolve("weights.bin"), weights);
    Files.writeString(dir.resolve("model.json"), minimalJson(sha256(weights)));

    Model model = ModelFile.read(dir);

    assertEquals(SMALL, model.spec());
    assertArrayEquals(bits(SMALL_WEIGHTS), bits(model.weights()));
    assertEquals(0, model.extra().size());
  }

  @Test
  void weightsBinIsLittleEndianFloat64LayerByLayerWRowMajorThenB() throws IOException {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 3, 1}, List.of("linear", "linear"), "mse");
    // W1 = [[1, 2], [3, 4], [5, 6]], b1 = [0.5, 0.25, 0.125], W2 = [[-1, 2, -3]], b2 = [7]
    double[] w = {1, 2, 3, 4, 5, 6, 0.5, 0.25, 0.125, -1, 2, -3, 7};
    // what that order means: W2 (W1 x + b1) + b2 at x = (1, 10) is
    // -1·21.5 + 2·43.25 - 3·65.125 + 7 = -123.375
    assertEquals(-123.375,
        new Network(spec).predict(w, new double[][] {{1.0, 10.0}})[0][0], 1e-12);
    Path dir = tmp.resolve("model");

    ModelFile.write(dir, new Model(spec, w));

    byte[] bytes = Files.readAllBytes(dir.resolve("weights.bin"));
    assertEquals(8 * 13, bytes.length);
    // 1.0 = 0x3FF0000000000000, least significant byte first
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F},
        Arrays.copyOfRange(bytes, 0, 8));
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2.0, le.getDouble(8 * 1), 0.0, "W1[0][1] follows W1[0][0] (row-major)");
    assertEquals(3.0, le.getDouble(8 * 2), 0.0, "W1[1][0] starts the second row");
    assertEquals(0.5, le.getDouble(8 * 6), 0.0, "b1[0] follows all of W1");
    assertEquals(0.125, le.getDouble(8 * 8), 0.0, "b1[2]");
    assertEquals(-1.0, le.getDouble(8 * 9), 0.0, "W2[0][0] follows b1");
    assertEquals(7.0, le.getDouble(8 * 12), 0.0, "b2[0] is last");
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void aMissingDirectoryIsRefused() {
    Path dir = tmp.resolve("nowhere");

    assertEquals("model directory not found: " + dir, refusal(dir));
  }

  @Test
  void aMissingModelJsonIsRefused() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("model"));
    Files.write(dir.resolve("weights.bin"), littleEndian(SMALL_WEIGHTS));

    assertEquals(dir.resolve("model.json") + " is missing", refusal(dir));
  }

  @Test
  void invalidJsonIsRefusedWithItsPosition() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("model"));
    Files.writeString(dir.resolve("model.json"), "{\"format\": \"dptrain-model\",,}");

    String message = refusal(dir);

    String prefix = dir.resolve("model.json") + " is not valid JSON: ";
    assertTrue(message.startsWith(prefix), message);
    assertTrue(message.contains("Unexpected character (','"), message);
    assertTrue(message.endsWith("(line 1, column 28)"), message);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "[1, 2]", "\"dptrain-model\"", "null"})
  void jsonThatIsNotAnObjectIsRefused(String text) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("model"));
    Files.writeString(dir.resolve("model.json"), text);

    assertEquals(dir.resolve("model.json") + " must hold a JSON object", refusal(dir));
  }

  @ParameterizedTest
  @ValueSource(strings = {"format", "formatVersion", "layers", "activations", "loss", "weights"})
  void eachRequiredFieldIsRequired(String field) throws IOException {
    Path missing = writeSmall(tmp.resolve("missing"), root -> root.remove(field));
    Path isNull = writeSmall(tmp.resolve("null"), root -> root.putNull(field));

    String expected = ": required field '" + field + "' is missing";
    assertEquals(missing.resolve("model.json") + expected, refusal(missing));
    assertEquals(isNull.resolve("model.json") + expected, refusal(isNull));
  }

  @Test
  void theRequiredFieldsAreTheOnesTheseTestsCover() {
    assertEquals(List.of("format", "formatVersion", "layers", "activations", "loss", "weights"),
        ModelFile.REQUIRED_FIELDS);
  }

  /** Edits of a valid small model.json, each with the message that follows "model.json: ". */
  static Stream<Arguments> badModelJson() {
    return Stream.of(
        bad("wrong format", r -> r.put("format", "keras-model"),
            "format is 'keras-model', expected 'dptrain-model'"),
        bad("formatVersion 2", r -> r.put("formatVersion", 2),
            "formatVersion 2 is not one this dptrain reads (1)"),
        bad("formatVersion 0", r -> r.put("formatVersion", 0),
            "formatVersion 0 is not one this dptrain reads (1)"),
        bad("formatVersion as text", r -> r.put("formatVersion", "1"),
            "formatVersion must be an integer, got \"1\""),
        bad("formatVersion 1.5", r -> r.put("formatVersion", 1.5),
            "formatVersion must be an integer, got 1.5"),
        bad("weights.file ../x", r -> weights(r).put("file", "../x"),
            "weights.file '../x' must be a plain file name inside the model directory"),
        bad("weights.file a/b", r -> weights(r).put("file", "a/b"),
            "weights.file 'a/b' must be a plain file name inside the model directory"),
        bad("weights.file a\\b", r -> weights(r).put("file", "a\\b"),
            "weights.file 'a\\b' must be a plain file name inside the model directory"),
        bad("weights.file ..", r -> weights(r).put("file", ".."),
            "weights.file '..' must be a plain file name inside the model directory"),
        bad("weights.file empty", r -> weights(r).put("file", ""),
            "weights.file '' must be a plain file name inside the model directory"),
        bad("weights.file absolute", r -> weights(r).put("file", "/etc/passwd"),
            "weights.file '/etc/passwd' must be a plain file name inside the model directory"),
        bad("dtype float32", r -> weights(r).put("dtype", "float32"),
            "weights.dtype 'float32' is not supported (float64)"),
        bad("byteOrder big", r -> weights(r).put("byteOrder", "big"),
            "weights.byteOrder 'big' is not supported (little)"),
        bad("no weights.sha256", r -> weights(r).remove("sha256"),
            "required field 'weights.sha256' is missing or not a string"),
        bad("weights.dtype a number", r -> weights(r).put("dtype", 64),
            "required field 'weights.dtype' is missing or not a string"),
        bad("weights not an object", r -> r.put("weights", "weights.bin"),
            "required field 'weights.file' is missing or not a string"),
        bad("3 activations for 3 layers",
            r -> {
              r.putArray("layers").add(2).add(3).add(1);
              r.putArray("activations").add("tanh").add("tanh").add("sigmoid");
            },
            "3 activations [tanh, tanh, sigmoid] given for layers=[2, 3, 1], which needs 2"
                + " (one per non-input layer)"),
        bad("unknown activation", r -> r.putArray("activations").add("swish"),
            "unknown activation 'swish'; valid names: step, sigmoid, tanh, relu, leaky_relu,"
                + " softplus, linear, softmax"),
        bad("loss not fitting the output", r -> r.put("loss", "cross_entropy"),
            "loss cross_entropy does not fit output activation sigmoid: cross_entropy needs a"
                + " softmax output layer"),
        bad("unknown loss", r -> r.put("loss", "hinge"),
            "unknown loss 'hinge'; valid names: cross_entropy, binary_cross_entropy, mse, sse"),
        bad("layers not an array", r -> r.put("layers", "2,1"),
            "layers must be an array of integers, got \"2,1\""),
        bad("a fractional layer size", r -> r.putArray("layers").add(2).add(1.5),
            "layers[1] must be an integer, got 1.5"),
        bad("a layer of size 0", r -> r.putArray("layers").add(2).add(0),
            "layers[1] = 0: every layer size must be at least 1 (layers=[2, 0])"),
        bad("activations not names", r -> r.putArray("activations").add(1),
            "activations must be names, got 1"),
        bad("loss not a name", r -> r.put("loss", 3), "loss must be a name, got 3"),
        bad("classNames not an array", r -> r.put("classNames", "no,yes"),
            "classNames must be an array of strings, got string"),
        bad("classNames too few", r -> r.putArray("classNames").add("yes"),
            "classNames has 1 names but the model has 2 classes"),
        bad("classNames too many", r -> r.putArray("classNames").add("a").add("b").add("c"),
            "classNames has 3 names but the model has 2 classes"),
        bad("classNames twice", r -> r.putArray("classNames").add("a").add("a"),
            "classNames[1] \"a\" names a class a second time"),
        bad("classNames not strings", r -> r.putArray("classNames").add("a").add(1),
            "classNames[1] must be a string, got 1"),
        bad("classNames empty name", r -> r.putArray("classNames").add("").add("b"),
            "classNames[0] has 0 characters; a class name has 1 to 256"),
        bad("classNames long name", r -> r.putArray("classNames").add("a").add("x".repeat(257)),
            "classNames[1] has 257 characters; a class name has 1 to 256"),
        bad("classNames of a regression",
            r -> {
              r.putArray("activations").add("linear");
              r.put("loss", "mse");
              r.putArray("classNames").add("a").add("b");
            },
            "classNames is given, but a mse model is a regression and has no classes"));
  }

  private static Arguments bad(String what, Consumer<ObjectNode> edit, String message) {
    return Arguments.of(what, edit, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badModelJson")
  void aBadModelJsonIsRefusedNamingTheProblem(String what, Consumer<ObjectNode> edit,
      String message) throws IOException {
    Path dir = writeSmall(tmp.resolve("model"), edit);

    assertEquals(dir.resolve("model.json") + ": " + message, refusal(dir));
  }

  @Test
  void aMissingWeightsFileIsRefused() throws IOException {
    Path dir = writeSmall(tmp.resolve("model"), r -> { });
    Files.delete(dir.resolve("weights.bin"));

    assertEquals(dir.resolve("weights.bin") + " is missing", refusal(dir));
  }

  @Test
  void aTruncatedWeightsFileIsRefused() throws IOException {
    byte[] whole = littleEndian(SMALL_WEIGHTS);
    Path dir = writeSmall(tmp.resolve("model"), r -> { });
    Files.write(dir.resolve("weights.bin"), Arrays.copyOf(whole, 20));

    assertEquals(dir.resolve("weights.bin") + " is truncated: 20 bytes, expected 24 (3 float64"
        + " parameters of " + SMALL + ")", refusal(dir));
  }

  @Test
  void aWeightsFileWithOneByteFlippedIsRefusedAsAltered() throws IOException {
    byte[] bytes = littleEndian(SMALL_WEIGHTS);
    String recorded = sha256(bytes);
    Path dir = writeSmall(tmp.resolve("model"), r -> { });
    bytes[9] ^= 0x01;
    Files.write(dir.resolve("weights.bin"), bytes);

    assertEquals(dir.resolve("weights.bin") + " was altered or corrupted: its SHA-256 is "
        + sha256(bytes) + ", model.json records " + recorded, refusal(dir));
  }

  @Test
  void aWeightsFileThatIsTooLongIsRefused() throws IOException {
    Path dir = writeSmall(tmp.resolve("model"), r -> { });
    Files.write(dir.resolve("weights.bin"), littleEndian(new double[] {0.5, -0.25, 0.125, 1.0}));

    assertEquals(dir.resolve("weights.bin") + " is too long: 32 bytes, expected 24 (3 float64"
        + " parameters of " + SMALL + ")", refusal(dir));
  }

  @Test
  void nonFiniteWeightsAreRefusedEvenWithAMatchingSha() throws IOException {
    Path nan = writeSmall(tmp.resolve("nan"), new double[] {0.5, Double.NaN, 0.125}, r -> { });
    Path inf = writeSmall(tmp.resolve("inf"),
        new double[] {0.5, -0.25, Double.NEGATIVE_INFINITY}, r -> { });

    assertEquals(nan.resolve("weights.bin") + ": parameter 1 is NaN; a model holds only finite"
        + " weights", refusal(nan));
    assertEquals(inf.resolve("weights.bin") + ": parameter 2 is -Infinity; a model holds only"
        + " finite weights", refusal(inf));
  }

  @Test
  void theShaMayBeUpperCaseHex() throws IOException {
    byte[] bytes = littleEndian(SMALL_WEIGHTS);
    Path dir = writeSmall(tmp.resolve("model"),
        r -> weights(r).put("sha256", sha256(bytes).toUpperCase(java.util.Locale.ROOT)));

    assertArrayEquals(bits(SMALL_WEIGHTS), bits(ModelFile.read(dir).weights()));
  }

  // ---------------------------------------------------------------- writing

  @Test
  void writingOverAnExistingModelFailsAndLeavesItIntact() throws IOException {
    Path dir = tmp.resolve("model");
    ModelFile.write(dir, new Model(SMALL, SMALL_WEIGHTS));

    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> ModelFile.write(dir, new Model(SMALL, new double[] {9.0, 9.0, 9.0})));

    assertEquals(dir.toAbsolutePath().normalize().toString(), e.getFile());
    assertEquals("model directory exists; choose another or remove it", e.getReason());
    assertArrayEquals(bits(SMALL_WEIGHTS), bits(ModelFile.read(dir).weights()));
    assertEquals(List.of("model"), list(tmp));
  }

  @Test
  void writingOverAnyExistingDirectoryFails() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("model"));
    Files.writeString(dir.resolve("notes.txt"), "not a model");

    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> ModelFile.write(dir, new Model(SMALL, SMALL_WEIGHTS)));

    assertEquals("model directory exists; choose another or remove it", e.getReason());
    assertEquals(List.of("notes.txt"), list(dir));
  }

  @Test
  void replaceSwapsInTheNewModelAndLeavesNoTemporaryDirectories() throws IOException {
    Path dir = tmp.resolve("model");
    ModelFile.write(dir, new Model(SMALL, SMALL_WEIGHTS));
    assertEquals(List.of("model"), list(tmp));
    double[] newer = {-1.0, 2.0, -3.0};

    ModelFile.write(dir, new Model(SMALL, newer), true);

    assertArrayEquals(bits(newer), bits(ModelFile.read(dir).weights()));
    assertEquals(List.of("model"), list(tmp));
    assertEquals(List.of(ModelFile.MODEL_JSON, ModelFile.WEIGHTS_BIN), list(dir));
  }

  @Test
  void replaceWritesAModelWhereNoneExists() throws IOException {
    Path dir = tmp.resolve("model");

    ModelFile.write(dir, new Model(SMALL, SMALL_WEIGHTS), true);

    assertArrayEquals(bits(SMALL_WEIGHTS), bits(ModelFile.read(dir).weights()));
    assertEquals(List.of("model"), list(tmp));
  }

  @Test
  void writeCreatesMissingParentDirectories() throws IOException {
    Path dir = tmp.resolve("registry").resolve("iris").resolve("v3");

    ModelFile.write(dir, new Model(SMALL, SMALL_WEIGHTS));

    assertArrayEquals(bits(SMALL_WEIGHTS), bits(ModelFile.read(dir).weights()));
    assertEquals(List.of("v3"), list(dir.getParent()));
  }

  @Test
  void writingNonFiniteWeightsIsRefusedAndLeavesNothingBehind() throws IOException {
    // read refuses non-finite weights, so write must not produce such a model; the refusal
    // comes after the temporary directory exists, so this also covers cleanup on failure
    Path fresh = tmp.resolve("fresh").resolve("model");
    Model diverged = new Model(SMALL, new double[] {0.5, Double.NaN, 0.125});

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(fresh, diverged));

    assertEquals("parameter 1 is NaN; a model holds only finite weights", e.getMessage());
    assertEquals(List.of(), list(fresh.getParent()));
  }

  @Test
  void aFailedReplaceLeavesTheOldModelIntact() throws IOException {
    Path dir = tmp.resolve("model");
    ModelFile.write(dir, new Model(SMALL, SMALL_WEIGHTS));
    Model diverged = new Model(SMALL, new double[] {0.5, -0.25, Double.POSITIVE_INFINITY});

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(dir, diverged, true));

    assertEquals("parameter 2 is Infinity; a model holds only finite weights", e.getMessage());
    assertArrayEquals(bits(SMALL_WEIGHTS), bits(ModelFile.read(dir).weights()));
    assertEquals(List.of("model"), list(tmp));
  }

  @Test
  void aModelRefusesExtraFieldsThatWouldOverwriteRequiredOnes() {
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    extra.put("loss", "mse");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Model(SMALL, SMALL_WEIGHTS, extra));

    assertEquals("extra field 'loss' would overwrite a required model.json field", e.getMessage());
  }

  @Test
  void aModelsExtraFieldsCannotBeChangedFromOutside() throws IOException {
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    extra.put("note", "kept");
    Model model = new Model(SMALL, SMALL_WEIGHTS, extra);

    extra.put("format", "changed after construction");
    model.extra().put("formatVersion", 2);
    Path dir = tmp.resolve("model");
    ModelFile.write(dir, model);

    Model read = ModelFile.read(dir);
    assertEquals("{\"note\":\"kept\"}", read.extra().toString());
  }

  @Test
  void classNamesRoundTripAndAreCheckedWhenWriting() throws IOException {
    ObjectNode extra = JSON.createObjectNode();
    extra.putArray(ModelFile.CLASS_NAMES).add("no").add("yes");
    Model m = new Model(SMALL, SMALL_WEIGHTS, extra);
    Path dir = tmp.resolve("named");
    ModelFile.write(dir, m);
    assertEquals(List.of("no", "yes"), ModelFile.classNames(ModelFile.read(dir)));
    assertEquals(null, ModelFile.classNames(new Model(SMALL, SMALL_WEIGHTS)));
    ObjectNode bad = JSON.createObjectNode();
    bad.putArray(ModelFile.CLASS_NAMES).add("no");
    Path refused = tmp.resolve("refused");
    assertEquals("classNames has 1 names but the model has 2 classes", assertThrows(
        IllegalArgumentException.class, () -> ModelFile.write(refused,
            new Model(SMALL, SMALL_WEIGHTS, bad))).getMessage());
    assertFalse(Files.exists(refused), "nothing is written");
  }

  @Test
  void aModelNeedsOneWeightPerParameter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Model(SMALL, new double[2]));

    assertEquals("model has 2 weights, " + SMALL + " has 3 parameters", e.getMessage());
  }

  // ---------------------------------------------------------------- golden model

  @Test
  void theCommittedGoldenModelLoadsWithItsSpecAndExtraFields() throws Exception {
    Model golden = ModelFile.read(resource(GoldenModelFiles.MODEL_DIR));

    assertEquals(GoldenModelFiles.SPEC, golden.spec());
    assertEquals(
        NetworkSpec.of(new int[] {4, 5, 3}, List.of("tanh", "softmax"), "cross_entropy"),
        golden.spec());
    assertEquals("[\"a\",\"b\",\"c\"]", golden.extra().get("classLabels").toString());
    assertEquals(2024, golden.extra().get("provenance").get("seed").intValue());
    assertEquals(List.of("classLabels", "provenance"), fieldNames(golden.extra()));
  }

  @Test
  void theCommittedGoldenModelPredictsTheCommittedOutputs() throws Exception {
    Model golden = ModelFile.read(resource(GoldenModelFiles.MODEL_DIR));
    JsonNode expected = JSON.readTree(resource(GoldenModelFiles.EXPECTED_JSON).toFile());
    double[][] inputs = matrix(expected.get("inputs"));
    double[][] predictions = matrix(expected.get("predictions"));
    assertEquals(4, inputs.length);

    double[][] actual = new Network(golden.spec()).predict(golden.weights(), inputs);

    for (int i = 0; i < inputs.length; i++) {
      assertArrayEquals(predictions[i], actual[i], 1e-12, "input " + i);
      assertEquals(1.0, actual[i][0] + actual[i][1] + actual[i][2], 1e-12, "softmax sums to 1");
    }
  }

  @Test
  void theCurrentWriterStillWritesTheGoldenFormat() throws Exception {
    Path goldenDir = resource(GoldenModelFiles.MODEL_DIR);
    Model golden = ModelFile.read(goldenDir);
    Path rewritten = tmp.resolve("rewritten");

    ModelFile.write(rewritten, golden);

    assertArrayEquals(Files.readAllBytes(goldenDir.resolve("weights.bin")),
        Files.readAllBytes(rewritten.resolve("weights.bin")));
    JsonNode before = JSON.readTree(goldenDir.resolve("model.json").toFile());
    JsonNode after = JSON.readTree(rewritten.resolve("model.json").toFile());
    assertEquals(before, after);
  }

  // ---------------------------------------------------------------- helpers

  /** A small model directory whose model.json is {@link #minimalJson} after {@code edit}. */
  private static Path writeSmall(Path dir, Consumer<ObjectNode> edit) throws IOException {
    return writeSmall(dir, SMALL_WEIGHTS, edit);
  }

  /** The same with the given weights (written as they are; the sha256 matches them). */
  private static Path writeSmall(Path dir, double[] weights, Consumer<ObjectNode> edit)
      throws IOException {
    byte[] bytes = littleEndian(weights);
    ObjectNode root = (ObjectNode) JSON.readTree(minimalJson(sha256(bytes)));
    edit.accept(root);
    Files.createDirectories(dir);
    Files.write(dir.resolve("weights.bin"), bytes);
    Files.write(dir.resolve("model.json"), JSON.writeValueAsBytes(root));
    return dir;
  }

  /** model.json of {@link #SMALL} with only the required fields, as a person would write it. */
  private static String minimalJson(String sha256) {
    return """
        {
          "format": "dptrain-model",
          "formatVersion": 1,
          "layers": [2, 1],
          "activations": ["sigmoid"],
          "loss": "binary_cross_entropy",
          "weights": {"file": "weights.bin", "dtype": "float64", "byteOrder": "little",
                      "sha256": "%s"}
        }
        """.formatted(sha256);
  }

  private static ObjectNode weights(ObjectNode root) {
    return (ObjectNode) root.get("weights");
  }

  private static String refusal(Path dir) {
    return assertThrows(ModelFileException.class, () -> ModelFile.read(dir)).getMessage();
  }

  private static byte[] littleEndian(double[] values) {
    ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      buf.putDouble(v);
    }
    return buf.array();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static long[] bits(double[] values) {
    long[] bits = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Double.doubleToRawLongBits(values[i]);
    }
    return bits;
  }

  /** File names in {@code dir}, sorted. */
  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static List<String> fieldNames(ObjectNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static double[][] matrix(JsonNode rows) {
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      JsonNode row = rows.get(i);
      m[i] = new double[row.size()];
      for (int j = 0; j < m[i].length; j++) {
        m[i][j] = row.get(j).doubleValue();
      }
    }
    return m;
  }

  /** A test resource as a path (the test classpath is a directory under target/). */
  private static Path resource(String name) throws URISyntaxException {
    URL url = ModelFileTest.class.getResource("/" + name);
    if (url == null) {
      throw new AssertionError("test resource " + name + " is missing; see GoldenModelFiles");
    }
    return Path.of(url.toURI());
  }
}
