package org.dptrain.driver.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dptrain.activation.Activation;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Every activation and its derivative on [{@value #FROM}, {@value #TO}], one panel each in a grid
 * of {@value #COLUMNS} columns, computed by {@link Activation} itself: {@link Activation#apply} and
 * {@link Activation#derivative} for the element-wise ones; for softmax, which maps a column to a
 * column, the block kernels on the two-class slice z = (z₀, 0): a₀ = softmax(z)₀ from
 * {@link Activation#forward} and ∂a₀/∂z₀ from {@link Activation#backward} with dL/da = (1, 0).
 */
public final class ActivationPlot {
  public static final double FROM = -10.0;
  public static final double TO = 10.0;
  /** Sample points per unit of z (z = 0 is one of them, so the kinks are drawn where they are). */
  public static final int POINTS_PER_UNIT = 50;
  public static final int COLUMNS = 4;
  /** Size in pixels of one panel. */
  public static final int PANEL_WIDTH = 400;
  public static final int PANEL_HEIGHT = 320;

  private ActivationPlot() {}

  /** The number of panels: one per activation. */
  public static int panels() {
    return Activation.values().length;
  }

  /** Width in pixels of the whole image. */
  public static int width() {
    return COLUMNS * PANEL_WIDTH;
  }

  /** Height in pixels of the whole image. */
  public static int height() {
    return (panels() + COLUMNS - 1) / COLUMNS * PANEL_HEIGHT;
  }

  /**
   * Writes the grid as a PNG file of {@link #width()} × {@link #height()} pixels (replacing it).
   *
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file) throws IOException {
    List<XYChart> charts = new ArrayList<>();
    for (Activation a : Activation.values()) {
      charts.add(panel(a));
    }
    Charts.writeGridPng(charts, COLUMNS, file);
  }

  /**
   * The z values sampled: FROM, FROM + 1/POINTS_PER_UNIT, ..., TO, plus the largest double below
   * 0. That extra point draws the jumps at 0 (step, relu', leaky_relu') as vertical lines at 0
   * instead of slopes across a sample interval; and with unequally spaced x XChart chooses round
   * tick values (for equally spaced x it puts a tick at every k-th sample: -10, -8.46, ...).
   */
  static double[] grid() {
    int n = (int) Math.round((TO - FROM) * POINTS_PER_UNIT) + 1;
    double[] z = new double[n + 1];
    int zero = (int) Math.round(-FROM * POINTS_PER_UNIT);
    for (int i = 0, j = 0; i < n; i++) {
      if (i == zero) {
        z[j++] = Math.nextDown(0.0);
      }
      z[j++] = FROM + (double) i / POINTS_PER_UNIT;
    }
    return z;
  }

  /**
   * f and f' of one activation at the {@link #grid()} points: {@code [0]} is f, {@code [1]} is
   * f' (for softmax, the two-class slice described in the class comment).
   */
  static double[][] values(Activation a) {
    double[] z = grid();
    double[] f = new double[z.length];
    double[] d = new double[z.length];
    if (a == Activation.SOFTMAX) {
      double[] column = new double[2];
      double[] out = new double[2];
      double[] grad = new double[2];
      for (int i = 0; i < z.length; i++) {
        column[0] = z[i];
        column[1] = 0.0;
        a.forward(column, out, 2, 1);
        a.backward(column, out, new double[] {1.0, 0.0}, grad, 2, 1);
        f[i] = out[0];
        d[i] = grad[0];
      }
    } else {
      for (int i = 0; i < z.length; i++) {
        f[i] = a.apply(z[i]);
        d[i] = a.derivative(z[i]);
      }
    }
    return new double[][] {f, d};
  }

  static XYChart panel(Activation a) {
    String title = a == Activation.SOFTMAX ? "softmax (2 classes, z = (z0, 0)): a0"
        : a.id() + (a == Activation.STEP ? " (derivative 0: perceptron rule only)" : "");
    XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
        .xAxisTitle(a == Activation.SOFTMAX ? "z0" : "z").build();
    Charts.style(chart);
    chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(13f));
    chart.getStyler().setXAxisDecimalPattern("0.#");
    chart.getStyler().setYAxisDecimalPattern("0.##");
    double[] z = grid();
    double[][] v = values(a);
    // a margin around the curves: with the range exactly [0, 10] XChart picks ticks 0.48 apart
    double min = Math.min(0.0, Math.min(min(v[0]), min(v[1])));
    double max = Math.max(max(v[0]), max(v[1]));
    double pad = 0.08 * (max - min);
    chart.getStyler().setYAxisMin(min - pad).setYAxisMax(max + pad);
    String fName = a == Activation.SOFTMAX ? "a0 = softmax(z)0" : "f(z)";
    String dName = a == Activation.SOFTMAX ? "da0/dz0" : "f'(z)";
    add(chart, fName, z, v[0], Charts.SERIES_COLORS[0]);
    add(chart, dName, z, v[1], Charts.SERIES_COLORS[1]);
    return chart;
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  private static void add(XYChart chart, String name, double[] z, double[] y, Color color) {
    XYSeries s = chart.addSeries(name, z, y);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineWidth(2f);
  }
}
