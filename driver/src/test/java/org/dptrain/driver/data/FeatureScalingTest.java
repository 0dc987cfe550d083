package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.fails;
import static org.dptrain.driver.data.DataTestSupport.memory;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;

class FeatureScalingTest {
  /** Three examples of three features; the middle one is constant. */
  private static LoadedData tiny(int partitions) {
    return memory("mem", partitions, new double[][] {{1, 5, 2}, {3, 5, 4}, {5, 5, 9}},
        new Double[] {0.0, 1.0, 0.0});
  }

  @Test
  void standardizeUsesMeanAndPopulationDeviation() {
    FeatureScaling s = FeatureScaling.fit(tiny(2), FeatureScaling.STANDARDIZE);
    assertEquals(FeatureScaling.STANDARDIZE, s.method());
    assertArrayEquals(new double[] {3, 5, 5}, s.shift(), 1e-12);
    assertArrayEquals(new double[] {Math.sqrt(8.0 / 3), 1, Math.sqrt(26.0 / 3)}, s.scale(),
        1e-12);
  }

  @Test
  void minmaxUsesMinimumAndRange() {
    FeatureScaling s = FeatureScaling.fit(tiny(3), FeatureScaling.MINMAX);
    assertArrayEquals(new double[] {1, 5, 2}, s.shift());
    assertArrayEquals(new double[] {4, 1, 7}, s.scale());
  }

  @Test
  void fittingTwiceGivesTheSameScaling() {
    assertEquals(FeatureScaling.fit(tiny(3), FeatureScaling.STANDARDIZE),
        FeatureScaling.fit(tiny(3), FeatureScaling.STANDARDIZE));
  }

  @Test
  void theScalingIsTheSameBitsWhateverThePartitionCount() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    double[][] x = new double[97][3];
    Double[] y = new Double[x.length];
    for (int j = 0; j < x.length; j++) {
      x[j][0] = r.nextGaussian() * 1e3 + 0.1;
      x[j][1] = (r.nextDouble() - 0.5) * 1e-200;
      x[j][2] = 1e12 + r.nextInt(50) * 0.3;
      y[j] = 0.0;
    }
    for (String method : FeatureScaling.METHODS) {
      FeatureScaling one = FeatureScaling.fit(memory("mem", 1, x, y), method);
      for (int partitions : new int[] {2, 3, 7, 97}) {
        // record equality compares the doubles bit for bit (Arrays.equals)
        assertEquals(one, FeatureScaling.fit(memory("mem", partitions, x, y), method),
            method + " with " + partitions + " partitions");
      }
    }
  }

  @Test
  void fitValidatesFeatures() {
    LoadedData data = memory("mem", 1, new double[][] {{1, 2}, {Double.NaN, 2}},
        new Double[] {0.0, 0.0});
    fails("mem row 1 (0-based): features[0] is NaN, not a finite number",
        () -> FeatureScaling.fit(data, FeatureScaling.MINMAX));
  }

  @Test
  void fitRefusesAnUnknownMethod() {
    assertEquals("unknown feature scaling 'zscore'; valid names: standardize, minmax",
        assertThrows(IllegalArgumentException.class,
            () -> FeatureScaling.fit(tiny(1), "zscore")).getMessage());
  }

  @Test
  void appliesToColumnsInPlace() {
    FeatureScaling s = new FeatureScaling(FeatureScaling.STANDARDIZE, new double[] {1, 2},
        new double[] {2, 4});
    double[] x = {99, 3, 6, 5, 10, 99};
    s.apply(x, 1, 2);
    assertArrayEquals(new double[] {99, 1, 1, 2, 2, 99}, x);
    assertEquals("2 examples of 2 features from offset 3 do not fit in an array of 6",
        assertThrows(IllegalArgumentException.class, () -> s.apply(x, 3, 2)).getMessage());
  }

  @Test
  void jsonRoundTripIsExact() throws Exception {
    FeatureScaling s = new FeatureScaling(FeatureScaling.STANDARDIZE,
        new double[] {0.1, -1e-300, 3}, new double[] {Math.PI, 1, 7e10});
    ObjectNode json = s.toJson();
    String text = new ObjectMapper().writeValueAsString(json);
    FeatureScaling back = FeatureScaling.fromJson(new ObjectMapper().readTree(text));
    assertEquals(s, back);
    assertEquals("standardize", json.get("method").asText());
  }

  @Test
  void aModelCarriesItsScalingInOneField() throws Exception {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 1}, List.of("linear"), "mse");
    FeatureScaling s = new FeatureScaling(FeatureScaling.MINMAX, new double[] {1, -2},
        new double[] {3, 0.5});
    ObjectNode extra = new ObjectMapper().createObjectNode();
    s.writeTo(extra);
    assertEquals(s.toJson(), extra.get(FeatureScaling.MODEL_FIELD));
    assertEquals(s, FeatureScaling.of(new Model(spec, new double[3], extra)));
    assertNull(FeatureScaling.of(new Model(spec, new double[3])), "no field: no scaling");
    assertNull(FeatureScaling.of(new Model(spec, new double[3],
        (ObjectNode) new ObjectMapper().readTree("{\"featureScaling\": null}"))), "null: none");
    assertEquals("feature scaling must be a JSON object, got 5", message(() -> FeatureScaling.of(
        new Model(spec, new double[3],
            (ObjectNode) new ObjectMapper().readTree("{\"featureScaling\": 5}")))));
  }

  @Test
  void refusesBadValues() {
    assertEquals("unknown feature scaling 'log'; valid names: standardize, minmax",
        message(() -> new FeatureScaling("log", new double[1], new double[] {1})));
    assertEquals("feature scaling has 2 shifts and 1 scales; they must be equally many, at least 1",
        message(() -> new FeatureScaling(FeatureScaling.MINMAX, new double[2], new double[] {1})));
    assertEquals("scale[0] is 0.0; it must be finite and non-zero",
        message(() -> new FeatureScaling(FeatureScaling.MINMAX, new double[1], new double[1])));
    assertEquals("shift[0] is NaN; it must be finite",
        message(() -> new FeatureScaling(FeatureScaling.MINMAX, new double[] {Double.NaN},
            new double[] {1})));
  }

  @Test
  void refusesBadJson() throws Exception {
    ObjectMapper m = new ObjectMapper();
    assertEquals("feature scaling JSON needs a text field \"method\"",
        message(() -> FeatureScaling.fromJson(m.readTree("{\"shift\":[0],\"scale\":[1]}"))));
    assertEquals("feature scaling JSON needs an array field \"scale\"",
        message(() -> FeatureScaling.fromJson(m.readTree(
            "{\"method\":\"minmax\",\"shift\":[0]}"))));
    assertEquals("feature scaling \"shift\"[1] is \"a\", not a number",
        message(() -> FeatureScaling.fromJson(m.readTree(
            "{\"method\":\"minmax\",\"shift\":[0,\"a\"],\"scale\":[1,1]}"))));
    assertEquals("feature scaling must be a JSON object, got [1]",
        message(() -> FeatureScaling.fromJson(m.readTree("[1]"))));
  }

  private static String message(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }
}
