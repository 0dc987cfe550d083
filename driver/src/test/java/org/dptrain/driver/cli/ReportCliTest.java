package org.dptrain.driver.cli;

import static org.dptrain.driver.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.report.ActivationPlot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}, {@code plot-activations} and the report at the end of {@code train}. */
class ReportCliTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  @Test
  void trainWritesTheReportUnlessToldNot() throws Exception {
    Path out = tmp.resolve("xor");
    CliTest.Run r = cli("train", "--config", CliTest.JOBS.resolve("xor.yaml").toString(),
        "--epochs", "3", "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith("model written to " + out + "\nreport written to "
        + out.resolve("report.html") + "\n"), r.out());
    assertTrue(r.out().startsWith("epoch 1/3  step 25  loss "), "plain lines off a terminal: "
        + r.out());
    assertFalse(r.out().contains("\r"), "no bar off a terminal");
    for (String f : new String[] {"report.html", "loss.png", "metric.png", "throughput.png",
        "confusion.png"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }

    Path quiet = tmp.resolve("xor-quiet");
    CliTest.Run q = cli("train", "--config", CliTest.JOBS.resolve("xor.yaml").toString(),
        "--epochs", "1", "--no-report", "--output", quiet.toString());
    assertEquals(0, q.code(), q.err());
    assertFalse(q.out().contains("report written"), q.out());
    assertFalse(Files.exists(quiet.resolve("report.html")));
    assertFalse(Files.exists(quiet.resolve("loss.png")));

    CliTest.Run again = cli("report", "--run", quiet.toString());
    assertEquals(0, again.code(), again.err());
    assertEquals("report written to " + quiet.resolve("report.html") + " (4 charts)\n",
        again.out());
    assertTrue(Files.isRegularFile(quiet.resolve("confusion.png")));
  }

  @Test
  void reportOnAMissingOrBrokenRunIsABadInputError() throws Exception {
    Path missing = tmp.resolve("missing");
    CliTest.Run r = cli("report", "--run", missing.toString());
    assertEquals(2, r.code());
    assertEquals("dptrain: error: run directory not found: " + missing + "\n", r.err());

    Path notARun = Files.createDirectories(tmp.resolve("not-a-run"));
    Files.writeString(notARun.resolve("model.json"), "{\"format\": ");
    CliTest.Run bad = cli("report", "--run", notARun.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().startsWith("dptrain: error: " + notARun.resolve("model.json")
        + " is not valid JSON"), bad.err());

    CliTest.Run usage = cli("report");
    assertEquals(2, usage.code());
    assertTrue(usage.err().startsWith("dptrain: error: Missing required option: '--run=DIR'"),
        usage.err());
  }

  @Test
  void plotActivationsWritesTheGrid() throws Exception {
    Path png = tmp.resolve("activations.png");
    CliTest.Run r = cli("plot-activations", "--output", png.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("8 activations plotted to " + png + " (1600 x 640)\n", r.out());
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image);
    assertEquals(ActivationPlot.width(), image.getWidth());
    assertEquals(ActivationPlot.height(), image.getHeight());

    CliTest.Run wrong = cli("plot-activations", "--output", tmp.resolve("a.jpg").toString());
    assertEquals(2, wrong.code());
    assertEquals("dptrain: error: --output " + tmp.resolve("a.jpg") + " must end in .png\n",
        wrong.err());
    Path nowhere = tmp.resolve("no/such/dir/a.png");
    CliTest.Run noDir = cli("plot-activations", "--output", nowhere.toString());
    assertEquals(2, noDir.code());
    assertEquals("dptrain: error: --output " + nowhere + ": directory " + nowhere.getParent()
        + " does not exist\n", noDir.err());
  }
}
