package org.dptrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PerceptronTrainerTest {
  static final double[][] X = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};

  private static void assertLearns(int[] labels) {
    PerceptronTrainer.Result r = PerceptronTrainer.train(X, labels, 0.1, 100, 42);
    assertTrue(r.converged(), "did not converge in " + r.epochs() + " epochs");
    for (int i = 0; i < X.length; i++) {
      assertEquals(labels[i], r.perceptron().predict(X[i]), "example " + i);
    }
  }

  @Test
  void convergesOnAnd() {
    assertLearns(new int[] {0, 0, 0, 1});
  }

  @Test
  void convergesOnOr() {
    assertLearns(new int[] {0, 1, 1, 1});
  }

  @Test
  void badInputIsNamed() {
    assertEquals("label 2 at row 3 is not 0 or 1", assertThrows(IllegalArgumentException.class,
        () -> PerceptronTrainer.train(X, new int[] {0, 1, 1, 2}, 0.1, 10, 1)).getMessage());
    assertEquals("need as many labels as examples, at least one; got 4 examples and 3 labels",
        assertThrows(IllegalArgumentException.class,
            () -> PerceptronTrainer.train(X, new int[] {0, 1, 1}, 0.1, 10, 1)).getMessage());
    assertEquals("row 1 has 1 values, row 0 has 2", assertThrows(IllegalArgumentException.class,
        () -> PerceptronTrainer.train(new double[][] {{0, 0}, {1}}, new int[] {0, 1}, 0.1, 10, 1))
        .getMessage());
  }
}
