package org.dptrain.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dptrain.network.Initializer;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;

/**
 * Regenerates the committed golden model under {@code trainer/src/test/resources/golden/}:
 * {@value #MODEL_DIR}/ (model.json + weights.bin) and {@value #EXPECTED_JSON} (the inputs below
 * and the network's outputs for them). {@code ModelFileTest} reads these files as an old model
 * would be read, so a change to the format that breaks old models fails a test (Tribuo's
 * {@code TestSGDLinear} keeps its serialized models the same way).
 *
 * <p><b>Do not regenerate these files to make a failing golden test pass.</b> A change to the
 * model format that breaks the golden test must bump {@link ModelFile#FORMAT_VERSION}; the new
 * version then gets its own golden directory (model-v2, written by a copy of this generator) and
 * model-v1 stays, so that whatever still claims to read version 1 is tested against a real
 * version 1 file.
 *
 * <p>Run from the repository root after {@code mvn -o -q -pl trainer test-compile}:
 * <pre>
 * mvn -o -q -pl trainer dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp trainer/target/classes:trainer/target/test-classes:$(cat /tmp/cp.txt) \
 *     org.dptrain.model.GoldenModelFiles [trainer/src/test/resources]
 * </pre>
 * The output is deterministic: the weights come from {@link Initializer#initialize(NetworkSpec,
 * long)} with seed {@value #SEED}, and the biases (which the initializer leaves at 0) are set to
 * fixed non-zero values so that the file pins where each bias lives.
 */
public final class GoldenModelFiles {
  /** The golden model directory, relative to the test resources root. */
  static final String MODEL_DIR = "golden/model-v1";
  /** The inputs and expected predictions, relative to the test resources root. */
  static final String EXPECTED_JSON = "golden/model-v1-expected.json";

  static final long SEED = 2024;
  static final NetworkSpec SPEC =
      NetworkSpec.of(new int[] {4, 5, 3}, List.of("tanh", "softmax"), "cross_entropy");
  static final List<String> CLASS_LABELS = List.of("a", "b", "c");
  static final double[][] INPUTS = {
      {0.0, 0.0, 0.0, 0.0},
      {1.0, -1.0, 0.5, 2.0},
      {-3.0, 0.25, 1.0, -0.5},
      {0.1, 0.2, 0.3, 0.4},
  };

  private GoldenModelFiles() {}

  /** The golden model: deterministic weights and two extra fields. */
  static Model model() {
    double[] w = Initializer.initialize(SPEC, SEED);
    for (int l = 1; l <= SPEC.depth(); l++) {
      int b = SPEC.biasOffset(l);
      for (int r = 0; r < SPEC.size(l); r++) {
        w[b + r] = (r + 1) * (l % 2 == 0 ? -0.125 : 0.0625);
      }
    }
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    ArrayNode labels = extra.putArray("classLabels");
    CLASS_LABELS.forEach(labels::add);
    ObjectNode provenance = extra.putObject("provenance");
    provenance.put("generator", GoldenModelFiles.class.getName());
    provenance.put("seed", SEED);
    return new Model(SPEC, w, extra);
  }

  /** Writes the golden files under {@code args[0]} (default: the trainer's test resources). */
  public static void main(String[] args) throws IOException {
    Path root;
    if (args.length > 0) {
      root = Path.of(args[0]);
    } else if (Files.isRegularFile(Path.of("trainer", "pom.xml"))) {
      root = Path.of("trainer", "src", "test", "resources");
    } else if (Files.isDirectory(Path.of("src", "main", "java", "org", "dptrain"))) {
      root = Path.of("src", "test", "resources");
    } else {
      throw new IllegalArgumentException("run from the repository root or the trainer module,"
          + " or give the test resources directory as the argument");
    }
    Model model = model();
    ModelFile.write(root.resolve(MODEL_DIR), model, true);

    double[][] predictions = new Network(model.spec()).predict(model.weights(), INPUTS);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode expected = json.createObjectNode();
    expected.put("comment", "outputs of " + MODEL_DIR + " for these inputs; written by "
        + GoldenModelFiles.class.getName() + ", never edit by hand");
    ArrayNode in = expected.putArray("inputs");
    for (double[] row : INPUTS) {
      ArrayNode r = in.addArray();
      for (double v : row) {
        r.add(v);
      }
    }
    ArrayNode out = expected.putArray("predictions");
    for (double[] row : predictions) {
      ArrayNode r = out.addArray();
      for (double v : row) {
        r.add(v);
      }
    }
    Path expectedPath = root.resolve(EXPECTED_JSON);
    Files.write(expectedPath, json.writeValueAsBytes(expected));
    System.out.println("wrote " + root.resolve(MODEL_DIR) + " and " + expectedPath);
  }
}
