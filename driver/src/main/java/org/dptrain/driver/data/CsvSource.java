package org.dptrain.driver.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * CSV text with a header line naming the columns (every file has its own header, found on the
 * driver). The label column and the feature columns are picked by name; every feature value must
 * be a finite number. When {@link DataOptions#labelsOptional()} and a file's header lacks the
 * label column, that file's labels are NaN (and by default all its columns are features); a label
 * column that is present is always read and must hold numbers. Blank lines are skipped, as
 * Spark's CSV reader does. Features become dense vectors in the order of the feature columns.
 */
final class CsvSource {
  private CsvSource() {}

  /**
   * Where a file's columns are (every file has its own header).
   *
   * @param names the header's column names
   * @param label the label's field index, or -1 when the file has no label column (labels NaN)
   * @param features the feature fields' indices, in vector order
   */
  record Columns(String[] names, int label, int[] features) implements java.io.Serializable {}

  /**
   * Reads every header on the driver, then parses every line once (validating it and counting
   * examples), then builds the frame lazily.
   */
  static LoadedData load(SparkSession spark, DataOptions options, HadoopConf conf) {
    List<Path> files = SourceFiles.list(conf.get(), options.path());
    if (files.isEmpty()) {
      throw DataValidationException.noExamples(options.path());
    }
    HashMap<String, Columns> columnsByFile = new HashMap<>();
    List<String> defaultFeatures = null;
    String first = null;
    for (Path file : files) {
      List<String> header = header(conf, file);
      String name = file.toString();
      List<String> features = options.featureColumns();
      if (features == null) {
        if (defaultFeatures == null) {
          defaultFeatures = new ArrayList<>(header);
          defaultFeatures.remove(options.labelColumn());
          first = name;
        } else if (!new HashSet<>(header).equals(new HashSet<>(headerOf(columnsByFile, first)))) {
          throw new DataValidationException(name, DataValidationException.line(1), "its columns "
              + header + " differ from the columns " + headerOf(columnsByFile, first) + " of "
              + first + "; name the feature columns to read files with different headers");
        }
        features = defaultFeatures;
      }
      columnsByFile.put(key(name), columns(name, header, options.labelColumn(),
          options.labelsOptional(), features));
    }
    int numFeatures = columnsByFile.values().iterator().next().features().length;
    if (numFeatures == 0) {
      throw new DataValidationException(files.get(0).toString(), DataValidationException.line(1),
          "the header has no column besides the label column \"" + options.labelColumn() + "\"");
    }
    if (options.numFeatures() != null && options.numFeatures() != numFeatures) {
      throw new DataValidationException(options.path(), null, "has " + numFeatures
          + " feature columns but numFeatures is " + options.numFeatures());
    }

    JavaHadoopRDD<LongWritable, Text> lines = TextSource.lines(spark, conf, files);
    TextSource.LineReader<Row> toRow = (file, offset, text) -> {
      if (offset == 0 || text.isBlank()) {
        return null;
      }
      Columns cols = columnsByFile.get(key(file));
      if (cols == null) {
        throw new IllegalStateException("no header was read for " + file);
      }
      return parse(text, cols, file, offset);
    };
    JavaRDD<Row> rows = lines.mapPartitionsWithInputSplit(TextSource.each(conf, toRow), false);
    long count = rows.mapPartitions(it -> {
      long n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return List.of(new long[] {n}).iterator();
    }).collect().stream().mapToLong(c -> c[0]).sum();
    if (count == 0) {
      throw DataValidationException.noExamples(options.path());
    }
    return new LoadedData(spark.createDataFrame(rows, LoadedData.SCHEMA), numFeatures,
        DataFormat.CSV);
  }

  /** The same file named by a split and by the driver's listing may differ in scheme spelling. */
  private static String key(String file) {
    return new Path(file).toUri().getPath();
  }

  private static List<String> headerOf(Map<String, Columns> columnsByFile, String file) {
    return List.of(columnsByFile.get(key(file)).names());
  }

  /** The column names on a file's first line (a UTF-8 byte-order mark is dropped). */
  static List<String> header(HadoopConf conf, Path file) {
    String line;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        SourceFiles.openText(conf.get(), file), StandardCharsets.UTF_8))) {
      line = in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String name = file.toString();
    if (line == null) {
      throw new DataValidationException(name, null, "is empty; a CSV file starts with a header "
          + "line naming its columns");
    }
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    if (line.isBlank()) {
      throw new DataValidationException(name, DataValidationException.line(1), "the header line is "
          + "blank; a CSV file starts with a header line naming its columns");
    }
    List<String> names = new ArrayList<>();
    try {
      for (String field : CsvLine.split(line)) {
        names.add(field.strip());
      }
    } catch (LineProblem p) {
      throw new DataValidationException(name, DataValidationException.line(1), p.getMessage());
    }
    HashSet<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw new DataValidationException(name, DataValidationException.line(1), "column \"" + n
            + "\" appears twice in the header");
      }
    }
    return names;
  }

  private static Columns columns(String file, List<String> header, String label,
      boolean labelOptional, List<String> features) {
    int labelIndex = header.indexOf(label);
    if (labelIndex < 0 && !labelOptional) {
      throw new DataValidationException(file, DataValidationException.line(1), "label column \""
          + label + "\" is not in the header; its columns are " + String.join(", ", header));
    }
    int[] featureIndex = new int[features.size()];
    for (int i = 0; i < featureIndex.length; i++) {
      featureIndex[i] = header.indexOf(features.get(i));
      if (featureIndex[i] < 0) {
        throw new DataValidationException(file, DataValidationException.line(1), "feature column \""
            + features.get(i) + "\" is not in the header; its columns are "
            + String.join(", ", header));
      }
    }
    return new Columns(header.toArray(new String[0]), labelIndex, featureIndex);
  }

  private static double label(String labelText, String name) {
    if (labelText.isEmpty()) {
      throw new LineProblem("label column \"" + name + "\" is empty");
    }
    try {
      return Double.parseDouble(labelText);
    } catch (NumberFormatException e) {
      throw new LineProblem("label column \"" + name + "\" value "
          + TextSource.quote(labelText) + " is not a number");
    }
  }

  /** @throws LineProblem naming the column of a bad field */
  static Row parse(String text, Columns cols, String file, long offset) {
    List<String> fields = CsvLine.split(text);
    String[] names = cols.names();
    if (fields.size() != names.length) {
      throw new LineProblem("has " + fields.size() + " fields, the header has " + names.length);
    }
    double label = cols.label() < 0 ? Double.NaN : label(fields.get(cols.label()).strip(),
        names[cols.label()]);
    int[] featureIndex = cols.features();
    double[] x = new double[featureIndex.length];
    for (int i = 0; i < x.length; i++) {
      String name = names[featureIndex[i]];
      String v = fields.get(featureIndex[i]).strip();
      if (v.isEmpty()) {
        throw new LineProblem("column \"" + name + "\" is empty");
      }
      try {
        x[i] = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new LineProblem("column \"" + name + "\" value " + TextSource.quote(v)
            + " is not a number");
      }
      if (!Double.isFinite(x[i])) {
        throw new LineProblem("column \"" + name + "\" value " + TextSource.quote(v)
            + " is not finite");
      }
    }
    return RowFactory.create(Vectors.dense(x), label, file, offset);
  }
}
