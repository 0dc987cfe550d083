package org.dptrain.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dptrain inspect}: what a model directory holds, after verifying it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Verify a model directory (fields, weights length and SHA-256) and describe it.")
final class InspectCommand implements Callable<Integer> {
  @Mixin
  ModelArgs model;

  @Override
  public Integer call() throws Exception {
    Model m = model.read();
    System.out.println("model      " + model.display());
    System.out.println("layers     " + Arrays.toString(m.spec().layers()));
    System.out.println("activations " + m.spec().activationIds());
    System.out.println("loss       " + m.spec().loss().id());
    System.out.println("parameters " + m.spec().numParams() + " (weights.bin verified)");
    List<String> classes = ModelFile.classNames(m);
    if (classes != null) {
      System.out.println("classes    " + String.join(", ", classes));
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    for (String key : new String[] {"task", FeatureScaling.MODEL_FIELD, "training", "metrics",
        "provenance"}) {
      JsonNode v = m.extra().get(key);
      if (v == null) {
        continue;
      }
      if (key.equals(FeatureScaling.MODEL_FIELD)) {
        System.out.println("scaling    " + FeatureScaling.of(m).method());
      } else if (v.isValueNode()) {
        System.out.println(String.format("%-10s %s", key, v.asText()));
      } else {
        System.out.println(key + " " + json.writeValueAsString(v));
      }
    }
    return 0;
  }
}
