package org.dptrain.driver.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts as PNG files: line charts over epochs and the confusion-matrix heat map,
 * built with XChart and rendered into a bitmap without a display.
 */
public final class Charts {
  static {
    // Servers have no display (or a stale DISPLAY): set before any AWT class is touched, so this
    // block comes before the Color fields below; Main sets it first thing too, and it is harmless
    // on a desktop, where rendering into a BufferedImage never needs one.
    System.setProperty("java.awt.headless", "true");
  }

  /** Width in pixels of every line chart. */
  public static final int WIDTH = 800;
  /** Height in pixels of every line chart. */
  public static final int HEIGHT = 450;
  /** Colours of the series, in order: blue, orange, green, red (the Tableau palette, readable
   *  for the common colour-vision deficiencies when paired with distinct markers). */
  static final Color[] SERIES_COLORS = {new Color(0x1f77b4), new Color(0xff7f0e),
      new Color(0x2ca02c), new Color(0xd62728)};
  /** Markers of the series, in the same order, so that series differ in more than colour. */
  private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND,
      SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP};
  /** Extra width of the confusion heat map for its colour scale. */
  public static final int CONFUSION_LEGEND_WIDTH = 140;

  private Charts() {}

  /**
   * One named series of a line chart: y against x; NaN values of y are left out of the line.
   *
   * @param name the legend text
   * @param x x values
   * @param y y values, as many as x
   */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException("series '" + name + "' has " + x.length
            + " x values and " + y.length + " y values");
      }
    }
  }

  /**
   * A line chart over epochs, {@link #WIDTH} × {@link #HEIGHT}. The y axis is logarithmic when
   * {@code logarithmicIfWide} and every value is positive and they span more than two decades
   * (a loss falling from 0.7 to 0.001 would otherwise be a flat line after the first epochs).
   * Series with no finite value are left out. With {@code fromZero} the y axis starts at 0.
   *
   * @throws IllegalArgumentException if no series has a finite value
   */
  public static XYChart epochChart(String title, String yTitle, List<Series> series,
      boolean logarithmicIfWide, boolean fromZero) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("epoch").yAxisTitle(yTitle).build();
    style(chart);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int maxEpoch = 1;
    int added = 0;
    for (Series s : series) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.y()[i])) {
          xs.add(s.x()[i]);
          ys.add(s.y()[i]);
          min = Math.min(min, s.y()[i]);
          max = Math.max(max, s.y()[i]);
          maxEpoch = Math.max(maxEpoch, (int) s.x()[i]);
        }
      }
      if (xs.isEmpty()) {
        continue;
      }
      XYSeries xy = chart.addSeries(s.name(), xs, ys);
      Color c = SERIES_COLORS[added % SERIES_COLORS.length];
      xy.setLineColor(c);
      xy.setMarkerColor(c);
      xy.setLineStyle(new BasicStroke(2f));
      xy.setMarker(xs.size() <= 60 ? MARKERS[added % MARKERS.length] : SeriesMarkers.NONE);
      added++;
    }
    if (added == 0) {
      throw new IllegalArgumentException("chart '" + title + "' has no finite value to draw");
    }
    // whole epochs on the x axis: with few epochs XChart would label 1.0, 1.2, ... as "1"
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setXAxisMin(1.0);
    chart.getStyler().setXAxisMax((double) Math.max(2, maxEpoch));
    chart.getStyler().setXAxisTickMarkSpacingHint(maxEpoch < 10 ? 800 / Math.max(1, maxEpoch)
        : 74);
    if (logarithmicIfWide && min > 0 && max / min > 100) {
      chart.getStyler().setYAxisLogarithmic(true);
      chart.setYAxisTitle(yTitle + " (log scale)");
    } else {
      chart.getStyler().setYAxisDecimalPattern(decimalPattern(fromZero ? 0 : min, max));
      if (fromZero) {
        chart.getStyler().setYAxisMin(0.0);
      }
    }
    return chart;
  }

  /**
   * The confusion matrix as a heat map: true class down the rows (class 0 at the top), predicted
   * class across, each cell coloured and labelled by its count (labels up to 20 classes). Square
   * plot area of {@link #confusionSide} pixels plus room for the colour scale.
   *
   * @param confusion counts, rows = true class, columns = predicted, k × k with k &ge; 1
   */
  public static HeatMapChart confusionChart(long[][] confusion) {
    int k = confusion.length;
    int side = confusionSide(k);
    HeatMapChart chart = new HeatMapChartBuilder().width(side + CONFUSION_LEGEND_WIDTH)
        .height(side).title("Confusion matrix (validation, kept weights)")
        .xAxisTitle("predicted class").yAxisTitle("true class").build();
    style(chart);
    List<Integer> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      xs.add(c);
      ys.add(k - 1 - c);
    }
    List<Number[]> cells = new ArrayList<>();
    long max = 1;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        // XChart puts y index 0 at the bottom; true class 0 belongs at the top
        cells.add(new Number[] {p, k - 1 - t, confusion[t][p]});
        max = Math.max(max, confusion[t][p]);
      }
    }
    chart.addSeries("count", xs, ys, cells);
    // light to mid blue: black labels stay readable on every cell
    chart.getStyler().setMin(0.0).setMax(max)
        .setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x9ecae1),
            new Color(0x4292c6)})
        .setShowValue(k <= 20)
        .setValueFontColor(Color.BLACK)
        .setHeatMapDecimalValueFormatter(v -> String.format(java.util.Locale.ROOT, "%,d",
            Math.round(v)))
        .setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, k <= 10 ? 13 : 10))
        .setHeatMapValueDecimalPattern("#,##0");
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setPlotContentSize(1.0);
    return chart;
  }

  /** Side in pixels of the confusion heat map for k classes. */
  public static int confusionSide(int k) {
    return Math.max(400, Math.min(1200, 56 * k + 160));
  }

  /**
   * Writes a chart as a PNG file (replacing it).
   *
   * @throws IOException if the file cannot be written
   */
  public static void writePng(Chart<?, ?> chart, Path file) throws IOException {
    BufferedImage image = BitmapEncoder.getBufferedImage(chart);
    writePng(image, file);
  }

  /**
   * Writes charts side by side, {@code columns} per row, as one PNG file (replacing it); every
   * chart must have the same size.
   */
  public static void writeGridPng(List<? extends Chart<?, ?>> charts, int columns, Path file)
      throws IOException {
    int rows = (charts.size() + columns - 1) / columns;
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(new ArrayList<>(charts), rows, columns, out,
          BitmapEncoder.BitmapFormat.PNG);
    }
  }

  static void writePng(BufferedImage image, Path file) throws IOException {
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("this JVM has no PNG writer; cannot write " + file);
    }
  }

  /** A decimal pattern that shows differences across [min, max] without noise digits. */
  static String decimalPattern(double min, double max) {
    double span = Math.abs(max - min);
    double scale = Math.max(Math.abs(min), Math.abs(max));
    double ref = span > 0 ? span : scale;
    if (ref >= 100) {
      return "#,##0";
    }
    if (ref >= 10) {
      return "0.#";
    }
    if (ref >= 1) {
      return "0.0#";
    }
    if (ref >= 0.1) {
      return "0.0##";
    }
    return "0.0####";
  }

  static void style(Chart<?, ?> chart) {
    Styler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setChartTitleBoxVisible(false);
    s.setLegendBorderColor(new Color(0xcccccc));
    s.setBaseFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    if (!(s instanceof org.knowm.xchart.style.HeatMapStyler)) {
      // below the plot: inside it, the legend hides the points that matter most (a validation
      // accuracy of 1.0, the last epochs); a heat map's legend is its colour scale, drawn beside
      s.setLegendPosition(Styler.LegendPosition.OutsideS);
      s.setLegendLayout(Styler.LegendLayout.Horizontal);
    }
    s.setAntiAlias(true);
    if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
      a.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      a.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      a.setPlotBackgroundColor(Color.WHITE);
      a.setPlotBorderColor(new Color(0x999999));
      a.setPlotGridLinesColor(new Color(0xe5e5e5));
    }
  }
}
