package org.dptrain.driver.cli;

import static org.dptrain.driver.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.cli.CliTest.Run;
import org.dptrain.json.BoundedJson;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands that read a model given by the user: refusals of a hostile or inconsistent
 * model.json, and LIBSVM data read at the model's width.
 */
class ModelInputCliTest {
  /** 4 inputs, 3 classes, softmax: 15 parameters. */
  private static final NetworkSpec SPEC =
      NetworkSpec.of(new int[] {4, 3}, List.of("softmax"), "cross_entropy");

  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  private Path model(int numFeatures) throws Exception {
    double[] w = new double[SPEC.numParams()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.1 * (i % 5) - 0.2;
    }
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    extra.put("numFeatures", numFeatures);
    Path dir = tmp.resolve("model-" + numFeatures);
    ModelFile.write(dir, new Model(SPEC, w, extra));
    return dir;
  }

  @Test
  void predictAndEvaluateReadNarrowLibsvmAtTheModelsWidth() throws Exception {
    Path m = model(4);
    Path data = Files.writeString(tmp.resolve("narrow.libsvm"), "0 1:1\n2 2:0.5\n");
    Path out = tmp.resolve("predictions");

    Run predict = cli("predict", "--model", m.toString(), "--data", data.toString(),
        "--output", out.toString());
    Run eval = cli("evaluate", "--model", m.toString(), "--data", data.toString());

    assertEquals(0, predict.code(), predict.err());
    assertEquals("predictions written to " + out + "\n", predict.out());
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().startsWith("2 examples: "), eval.out());
  }

  @Test
  void anIndexBeyondTheModelsWidthNamesFileLineAndIndex() throws Exception {
    Path m = model(4);
    Path data = Files.writeString(tmp.resolve("wide.libsvm"), "0 1:1\n2 2:0.5 5:1\n");
    Path out = tmp.resolve("predictions");

    Run predict = cli("predict", "--model", m.toString(), "--data", data.toString(),
        "--output", out.toString());

    assertEquals(2, predict.code(), predict.err());
    assertEquals("dptrain: error: file:" + data + " line 2: index 5 in \"5:1\" exceeds the"
        + " model's 4 features\n", predict.err());
    assertFalse(Files.exists(out));
  }

  @ParameterizedTest
  @ValueSource(strings = {"inspect", "predict", "evaluate", "export"})
  void aModelJsonNestedTooDeepIsABadInputNamingTheFile(String command) throws Exception {
    Path m = model(4);
    Path json = m.resolve("model.json");
    String text = Files.readString(json);
    Files.writeString(json, "{\"deep\": " + "[".repeat(100_000) + "]".repeat(100_000) + ","
        + text.substring(text.indexOf('{') + 1));
    Path data = Files.writeString(tmp.resolve("d.libsvm"), "0 1:1\n");
    List<String> args = switch (command) {
      case "inspect" -> List.of(command, "--model", m.toString());
      case "predict" -> List.of(command, "--model", m.toString(), "--data", data.toString(),
          "--output", tmp.resolve("p").toString());
      case "evaluate" -> List.of(command, "--model", m.toString(), "--data", data.toString());
      case "export" -> List.of(command, "--model", m.toString(), "--onnx",
          tmp.resolve("m.onnx").toString());
      default -> throw new AssertionError(command);
    };

    Run r = cli(args.toArray(new String[0]));

    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("dptrain: error: " + json + " is refused: Document nesting"
        + " depth (" + (BoundedJson.MAX_NESTING_DEPTH + 1) + ") exceeds the maximum allowed ("
        + BoundedJson.MAX_NESTING_DEPTH + ")"), r.err());
  }

  @Test
  void inspectRefusesANumFeaturesThatContradictsTheInputLayer() throws Exception {
    Path m = model(4);
    Path json = m.resolve("model.json");
    Files.writeString(json, Files.readString(json).replace("\"numFeatures\" : 4",
        "\"numFeatures\" : 7"));

    Run r = cli("inspect", "--model", m.toString());

    assertEquals(2, r.code(), r.err());
    assertEquals("dptrain: error: " + json + ": numFeatures is 7 but layers[0] is 4; the input"
        + " layer takes numFeatures features\n", r.err());
  }
}
