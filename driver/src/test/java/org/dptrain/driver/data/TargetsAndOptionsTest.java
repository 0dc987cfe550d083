package org.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.dptrain.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TargetsAndOptionsTest {
  @Test
  void lossesMapToTasks() {
    assertEquals(new Targets(TaskType.MULTICLASS, 10), Targets.of(Loss.CROSS_ENTROPY, 10));
    assertEquals(new Targets(TaskType.BINARY, 1), Targets.of(Loss.BINARY_CROSS_ENTROPY, 1));
    assertEquals(new Targets(TaskType.REGRESSION, 1), Targets.of(Loss.MSE, 1));
    assertEquals(new Targets(TaskType.REGRESSION, 1), Targets.of(Loss.SSE, 1));
  }

  @Test
  void binaryCrossEntropyNeedsOneOutput() {
    assertEquals("binary_cross_entropy trains one sigmoid output on 0/1 labels, but the network "
        + "has 2 outputs; use cross_entropy with a softmax output for 2 classes",
        message(() -> Targets.of(Loss.BINARY_CROSS_ENTROPY, 2)));
  }

  @Test
  void outputsMustFitTheTask() {
    assertEquals("multiclass targets need at least 2 classes, got 1 outputs",
        message(() -> new Targets(TaskType.MULTICLASS, 1)));
    assertEquals("binary targets have exactly 1 output (the 0/1 label), got 3",
        message(() -> new Targets(TaskType.BINARY, 3)));
    assertEquals("regression targets need at least 1 output, got 0",
        message(() -> new Targets(TaskType.REGRESSION, 0)));
    assertEquals("targets need a task type", message(() -> new Targets(null, 1)));
  }

  @Test
  void labelRules() {
    Targets classes = new Targets(TaskType.MULTICLASS, 3);
    assertNull(classes.labelProblem(2));
    assertEquals("label 2.5 is not an integer class index in [0, 3)", classes.labelProblem(2.5));
    assertEquals("label NaN is not an integer class index in [0, 3)",
        classes.labelProblem(Double.NaN));
    assertEquals("label 3 is outside [0, 3) (3 classes)", classes.labelProblem(3));
    Targets binary = new Targets(TaskType.BINARY, 1);
    assertNull(binary.labelProblem(0));
    assertEquals("label 0.5 is not 0 or 1 (binary classification)", binary.labelProblem(0.5));
    Targets regression = new Targets(TaskType.REGRESSION, 1);
    assertNull(regression.labelProblem(-7.25));
    assertEquals("label Infinity is not finite",
        regression.labelProblem(Double.POSITIVE_INFINITY));
  }

  @Test
  void encodesTargets() {
    double[] y = new double[5];
    Arrays.fill(y, 9);
    new Targets(TaskType.MULTICLASS, 3).encode(1, y, 1);
    assertArrayEquals(new double[] {9, 0, 1, 0, 9}, y);
    new Targets(TaskType.REGRESSION, 1).encode(-2.5, y, 4);
    assertEquals(-2.5, y[4]);
    assertEquals("label 3 is outside [0, 3) (3 classes)",
        message(() -> new Targets(TaskType.MULTICLASS, 3).encode(3, y, 0)));
  }

  @Test
  void classNamesFitTheClasses() {
    Targets named = new Targets(TaskType.BINARY, 1).withClassNames(List.of("no", "yes"));
    assertEquals(List.of("no", "yes"), named.classNames());
    assertEquals(2, named.classes());
    assertEquals("3 class names (\"a\", \"b\", \"c\") for 2 classes",
        message(() -> new Targets(TaskType.BINARY, 1, List.of("a", "b", "c"))));
    assertEquals("class names (\"a\", \"a\", \"b\") name a class twice",
        message(() -> new Targets(TaskType.MULTICLASS, 3, List.of("a", "a", "b"))));
    assertEquals("regression targets have no class names",
        message(() -> new Targets(TaskType.REGRESSION, 2, List.of("a", "b"))));
    assertEquals(0, new Targets(TaskType.REGRESSION, 2).classes());
    assertEquals(2, new Targets(TaskType.REGRESSION, 2).labelWidth());
    assertEquals(1, new Targets(TaskType.MULTICLASS, 4).labelWidth());
  }

  @Test
  void vectorTargets() {
    Targets two = new Targets(TaskType.REGRESSION, 2);
    double[] y = {9, 9, 9};
    two.encode(new double[] {1.5, -2}, y, 1);
    assertArrayEquals(new double[] {9, 1.5, -2}, y);
    assertEquals("label has 3 values, expected 2 (one per output)",
        two.labelProblem(new double[] {1, 2, 3}));
    assertEquals("label[1] is Infinity, not a finite number",
        two.labelProblem(new double[] {1, Double.POSITIVE_INFINITY}));
    assertEquals("label is a vector of 2 values; multiclass classification takes one class per"
        + " example", new Targets(TaskType.MULTICLASS, 3).labelProblem(new double[] {1, 2}));
    assertEquals("regression with 2 outputs needs 2 targets per example, got one label",
        message(() -> two.encode(1.0, y, 0)));
  }

  @Test
  void severalLabelColumns() {
    DataOptions o = DataOptions.of("x.csv").withLabelColumns(List.of("b", "a"));
    assertEquals(List.of("b", "a"), o.labels());
    assertEquals(List.of("label"), DataOptions.of("x.csv").labels());
    assertEquals("give the label column (\"y\") or the label columns [a, b], not both",
        message(() -> DataOptions.of("x").withLabelColumn("y")
            .withLabelColumns(List.of("a", "b"))));
    assertEquals("labelColumns is empty; leave it unset to use the label column",
        message(() -> DataOptions.of("x").withLabelColumns(List.of())));
    assertEquals("label column \"a\" is listed twice",
        message(() -> DataOptions.of("x").withLabelColumns(List.of("a", "a"))));
    assertEquals("labelColumns [a,  ] has a blank name",
        message(() -> DataOptions.of("x").withLabelColumns(List.of("a", " "))));
    assertEquals("column \"b\" is a label column and cannot also be a feature",
        message(() -> DataOptions.of("x").withLabelColumns(List.of("a", "b"))
            .withFeatureColumns(List.of("c", "b"))));
  }

  @Test
  void optionDefaults() {
    DataOptions o = DataOptions.of("x.csv");
    assertEquals("x.csv", o.path());
    assertNull(o.format());
    assertNull(o.numFeatures());
    assertEquals(DataOptions.DEFAULT_LABEL_COLUMN, o.labelColumn());
    assertEquals("label", o.labelColumn());
    assertNull(o.featureColumns());
    assertEquals("features", o.featuresColumn());
    DataOptions changed = o.withFormat(DataFormat.CSV).withNumFeatures(4).withLabelColumn("y")
        .withFeatureColumns(List.of("a", "b")).withFeaturesColumn("v");
    assertEquals(new DataOptions("x.csv", DataFormat.CSV, 4, "y", List.of("a", "b"), "v", false),
        changed);
    assertFalse(o.labelsOptional());
    assertEquals(new DataOptions("x.csv", DataFormat.CSV, 4, "y", List.of("a", "b"), "v", true),
        changed.withLabelsOptional(true));
    assertTrue(changed.withLabelsOptional(true).withFormat(null).labelsOptional());
    assertEquals(changed, new DataOptions("x.csv", DataFormat.CSV, 4, "y", List.of("a", "b"),
        "v"));
  }

  @Test
  void optionErrors() {
    assertEquals("no input path given", message(() -> DataOptions.of(" ")));
    assertEquals("numFeatures must be at least 1, got 0",
        message(() -> DataOptions.of("x").withNumFeatures(0)));
    assertEquals("label column name is blank",
        message(() -> DataOptions.of("x").withLabelColumn("")));
    assertEquals("featureColumns is empty; leave it unset to use every other column",
        message(() -> DataOptions.of("x").withFeatureColumns(List.of())));
    assertEquals("feature column \"a\" is listed twice",
        message(() -> DataOptions.of("x").withFeatureColumns(List.of("a", "a"))));
    assertEquals("column \"label\" is a label column and cannot also be a feature",
        message(() -> DataOptions.of("x").withFeatureColumns(List.of("a", "label"))));
    assertEquals("featureColumns [a,  ] has a blank name",
        message(() -> DataOptions.of("x").withFeatureColumns(List.of("a", " "))));
  }

  private static String message(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }
}
