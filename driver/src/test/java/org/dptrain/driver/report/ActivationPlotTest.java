package org.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.dptrain.activation.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationPlotTest {
  @TempDir
  Path tmp;

  @Test
  void gridSpansTheIntervalAndHitsZero() {
    double[] z = ActivationPlot.grid();
    assertEquals(1002, z.length);
    assertEquals(-10.0, z[0]);
    assertEquals(-0.02, z[499], 1e-15);
    assertEquals(-Double.MIN_VALUE, z[500], "the jump at 0 is drawn at 0");
    assertEquals(0.0, z[501]);
    assertEquals(10.0, z[1001]);
    for (int i = 1; i < z.length; i++) {
      assertTrue(z[i] > z[i - 1], "increasing at " + i);
    }
  }

  @Test
  void softmaxSliceIsTheSigmoidAndItsDerivative() {
    // softmax((z, 0))_0 = e^z / (e^z + 1): the two-class slice must reproduce the sigmoid
    double[] z = ActivationPlot.grid();
    double[][] v = ActivationPlot.values(Activation.SOFTMAX);
    for (int i = 0; i < z.length; i++) {
      double s = Activation.sigmoid(z[i]);
      assertEquals(s, v[0][i], 1e-15, "a0 at " + z[i]);
      assertEquals(s * (1 - s), v[1][i], 1e-15, "da0/dz0 at " + z[i]);
    }
  }

  @Test
  void elementWiseValuesComeFromTheActivationCode() {
    double[][] relu = ActivationPlot.values(Activation.RELU);
    assertEquals(0.0, relu[0][501]);
    assertEquals(0.0, relu[1][501], "the code takes relu'(0) as 0");
    assertEquals(1.0, relu[1][502]);
    assertEquals(10.0, relu[0][1001]);
    double[][] leaky = ActivationPlot.values(Activation.LEAKY_RELU);
    assertEquals(-10.0 * Activation.LEAKY_SLOPE, leaky[0][0], 1e-15);
    assertEquals(Activation.LEAKY_SLOPE, leaky[1][0]);
    double[][] step = ActivationPlot.values(Activation.STEP);
    assertEquals(1.0, step[0][501], "step(0) = 1");
    assertEquals(0.0, step[0][500]);
    double[][] softplus = ActivationPlot.values(Activation.SOFTPLUS);
    assertEquals(Math.log(2), softplus[0][501], 1e-15);
    assertEquals(0.5, softplus[1][501], 1e-15);
  }

  @Test
  void writesOnePanelPerActivation() throws Exception {
    Path png = tmp.resolve("activations.png");
    ActivationPlot.write(png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "a PNG ImageIO can decode");
    assertEquals(8, ActivationPlot.panels());
    assertEquals(4 * ActivationPlot.PANEL_WIDTH, image.getWidth());
    assertEquals(2 * ActivationPlot.PANEL_HEIGHT, image.getHeight());
    assertEquals(ActivationPlot.width(), image.getWidth());
    assertEquals(ActivationPlot.height(), image.getHeight());
    assertTrue(countColour(image, Charts.SERIES_COLORS[0].getRGB()) > 1000,
        "f(z) curves are drawn");
    assertTrue(countColour(image, Charts.SERIES_COLORS[1].getRGB()) > 1000,
        "f'(z) curves are drawn");
  }

  static int countColour(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }
}
