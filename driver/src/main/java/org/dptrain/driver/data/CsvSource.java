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
import java.util.stream.Collectors;
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
 * driver). The label column(s) and the feature columns are picked by name; every feature value
 * must be a finite number. Blank lines are skipped, as Spark's CSV reader does. Features become
 * dense vectors in the order of the feature columns.
 *
 * <p>Labels: for regression one number per example, or with {@link DataOptions#labelColumns()}
 * (or several outputs) a vector of the label columns' values, each a finite number. For
 * classification the label column holds either numbers (class indices, as always) or class
 * names: when no label of the data is a number they are names, numbered in sorted order
 * ({@link ClassNames}); labels mixing numbers and names are an error naming the first name and a
 * number. With the model's names ({@link Targets#classNames()}) every label is a name looked up
 * in them, and an unknown name is an error naming the file, line and value.
 *
 * <p>When {@link DataOptions#labelsOptional()} and a file's header lacks the label column(s),
 * that file has no labels (NaN, or a null vector; by default all its columns are features); a
 * label column that is present is always read and checked.
 */
final class CsvSource {
  private CsvSource() {}

  /**
   * Where a file's columns are (every file has its own header).
   *
   * @param names the header's column names
   * @param labels the label fields' indices, in target order; empty when the file has no label
   *     column (labels optional)
   * @param features the feature fields' indices, in vector order
   */
  record Columns(String[] names, int[] labels, int[] features) implements java.io.Serializable {}

  /** What a line's label fields become. */
  enum LabelKind {
    /** One number (a class index or a regression target); NaN without labels. */
    NUMBER,
    /** A dense vector of the label columns' numbers; null without labels. */
    VECTOR,
    /** The label text as it is (to find out whether the labels are names); null without. */
    TEXT,
    /** The class index of the name (a double); NaN without labels. */
    NAMES
  }

  /**
   * How labels are read.
   *
   * @param kind what they become
   * @param names for NAMES, the classes by index
   */
  record LabelReader(LabelKind kind, ClassNames names) implements java.io.Serializable {
    /** The label of a line split into {@code fields}, whose columns {@code cols} locates. */
    Object read(List<String> fields, Columns cols) {
      int[] li = cols.labels();
      if (li.length == 0) {
        return switch (kind) {
          case NUMBER, NAMES -> Double.NaN;
          case VECTOR, TEXT -> null;
        };
      }
      String[] header = cols.names();
      return switch (kind) {
        case NUMBER -> number(fields.get(li[0]).strip(), header[li[0]]);
        case VECTOR -> {
          double[] y = new double[li.length];
          for (int i = 0; i < li.length; i++) {
            String text = fields.get(li[i]).strip();
            y[i] = number(text, header[li[i]]);
            if (!Double.isFinite(y[i])) {
              throw new LineProblem("label column \"" + header[li[i]] + "\" value "
                  + TextSource.quote(text) + " is not finite");
            }
          }
          yield Vectors.dense(y);
        }
        case TEXT -> {
          String text = nonEmpty(fields.get(li[0]).strip(), header[li[0]]);
          if (!isNumber(text)) {
            String problem = ClassNames.nameProblem(text);
            if (problem != null) {
              throw new LineProblem("label column \"" + header[li[0]] + "\" value "
                  + TextSource.quote(text) + " " + problem);
            }
          }
          yield text;
        }
        case NAMES -> {
          String text = nonEmpty(fields.get(li[0]).strip(), header[li[0]]);
          int index = names.indexOf(text);
          if (index < 0) {
            throw new LineProblem(names.unknown(header[li[0]], text));
          }
          yield (double) index;
        }
      };
    }
  }

  /**
   * Reads every header on the driver, then parses every line once (validating it, counting
   * examples and, for classification without class names, finding whether the labels are
   * numbers or names), then builds the frame lazily.
   */
  static LoadedData load(SparkSession spark, DataOptions options, HadoopConf conf,
      Targets targets) {
    List<Path> files = SourceFiles.list(conf.get(), options.path());
    if (files.isEmpty()) {
      throw DataValidationException.noExamples(options.path());
    }
    List<String> labels = options.labels();
    if (targets.type() != TaskType.REGRESSION && labels.size() > 1) {
      throw new IllegalArgumentException("classification takes one label column, but "
          + labels.size() + " are asked for (" + String.join(", ", labels) + "); several label "
          + "columns are for regression (mse, sse)");
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
          defaultFeatures.removeAll(labels);
          first = name;
        } else if (!new HashSet<>(header).equals(new HashSet<>(headerOf(columnsByFile, first)))) {
          throw new DataValidationException(name, DataValidationException.line(1), "its columns "
              + header + " differ from the columns " + headerOf(columnsByFile, first) + " of "
              + first + "; name the feature columns to read files with different headers");
        }
        features = defaultFeatures;
      }
      columnsByFile.put(key(name), columns(name, header, labels, options.labelsOptional(),
          features));
    }
    // several targets: the label columns, or (labels optional) no label column in any file;
    // one label column of a several-output regression is read as a number and refused below
    boolean noLabels = columnsByFile.values().stream().allMatch(c -> c.labels().length == 0);
    LabelKind kind = switch (targets.type()) {
      case REGRESSION -> options.labelColumns() != null || (targets.outputs() > 1 && noLabels)
          ? LabelKind.VECTOR : LabelKind.NUMBER;
      case MULTICLASS, BINARY -> targets.classNames() != null ? LabelKind.NAMES : LabelKind.TEXT;
    };
    int labelWidth = options.labelColumns() != null ? labels.size() : targets.outputs();
    int numFeatures = columnsByFile.values().iterator().next().features().length;
    if (numFeatures == 0) {
      throw new DataValidationException(files.get(0).toString(), DataValidationException.line(1),
          "the header has no column besides the label column" + (labels.size() > 1 ? "s " : " ")
          + labels.stream().map(l -> "\"" + l + "\"").collect(Collectors.joining(", ")));
    }
    if (options.numFeatures() != null && options.numFeatures() != numFeatures) {
      throw new DataValidationException(options.path(), null, "has " + numFeatures
          + " feature columns but numFeatures is " + options.numFeatures());
    }

    JavaHadoopRDD<LongWritable, Text> lines = TextSource.lines(spark, conf, files);
    LabelReader reader = new LabelReader(kind, kind == LabelKind.NAMES
        ? new ClassNames(targets.classNames()) : null);
    List<String> classNames = kind == LabelKind.NAMES ? targets.classNames() : null;
    long count;
    if (kind == LabelKind.TEXT) {
      LabelSurvey survey = LabelSurvey.of(rows(lines, conf, columnsByFile, reader));
      count = survey.count();
      if (survey.firstName() != null) {
        LabelSurvey.At name = survey.firstName();
        String column = labels.get(0);
        if (survey.firstNumber() != null) {
          LabelSurvey.At number = survey.firstNumber();
          throw new DataValidationException(name.file(),
              TextPositions.lineLocation(conf, name.file(), name.pos()), "label column \""
              + column + "\" value " + TextSource.quote(name.text()) + " is not a number, but "
              + number.file() + " " + TextPositions.lineLocation(conf, number.file(), number.pos())
              + " holds the number " + number.text() + ": labels are all numbers (class indices)"
              + " or all class names");
        }
        if (survey.names().size() > ClassNames.MAX_DISTINCT) {
          throw new DataValidationException(options.path(), null, "label column \"" + column
              + "\" holds more than " + ClassNames.MAX_DISTINCT + " distinct class names");
        }
        classNames = ClassNames.sorted(survey.names());
        reader = new LabelReader(LabelKind.NAMES, new ClassNames(classNames));
      } else {
        reader = new LabelReader(LabelKind.NUMBER, null);
      }
    } else {
      count = rows(lines, conf, columnsByFile, reader).mapPartitions(it -> {
        long n = 0;
        while (it.hasNext()) {
          it.next();
          n++;
        }
        return List.of(new long[] {n}).iterator();
      }).collect().stream().mapToLong(c -> c[0]).sum();
    }
    if (count == 0) {
      throw DataValidationException.noExamples(options.path());
    }
    JavaRDD<Row> rows = rows(lines, conf, columnsByFile, reader);
    if (kind == LabelKind.VECTOR) {
      return new LoadedData(spark.createDataFrame(rows, LoadedData.VECTOR_LABEL_SCHEMA),
          numFeatures, DataFormat.CSV, labelWidth, null);
    }
    return new LoadedData(spark.createDataFrame(rows, LoadedData.SCHEMA), numFeatures,
        DataFormat.CSV, 1, classNames);
  }

  /** The examples of every line, labels read by {@code reader} (lazily; errors name the line). */
  private static JavaRDD<Row> rows(JavaHadoopRDD<LongWritable, Text> lines, HadoopConf conf,
      HashMap<String, Columns> columnsByFile, LabelReader reader) {
    TextSource.LineReader<Row> toRow = (file, offset, text) -> {
      if (offset == 0 || text.isBlank()) {
        return null;
      }
      Columns cols = columnsByFile.get(key(file));
      if (cols == null) {
        throw new IllegalStateException("no header was read for " + file);
      }
      return parse(text, cols, file, offset, reader);
    };
    return lines.mapPartitionsWithInputSplit(TextSource.each(conf, toRow), false);
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

  private static Columns columns(String file, List<String> header, List<String> labels,
      boolean labelOptional, List<String> features) {
    List<String> present = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    int[] labelIndex = new int[labels.size()];
    for (int i = 0; i < labelIndex.length; i++) {
      labelIndex[i] = header.indexOf(labels.get(i));
      (labelIndex[i] < 0 ? missing : present).add(labels.get(i));
    }
    if (!missing.isEmpty() && (!labelOptional || !present.isEmpty())) {
      throw new DataValidationException(file, DataValidationException.line(1), "label column"
          + (missing.size() > 1 ? "s " : " ") + missing.stream().map(l -> "\"" + l + "\"")
              .collect(Collectors.joining(", ")) + (missing.size() > 1 ? " are" : " is")
          + " not in the header; its columns are " + String.join(", ", header));
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
    return new Columns(header.toArray(new String[0]), missing.isEmpty() ? labelIndex : new int[0],
        featureIndex);
  }

  private static String nonEmpty(String labelText, String name) {
    if (labelText.isEmpty()) {
      throw new LineProblem("label column \"" + name + "\" is empty");
    }
    return labelText;
  }

  private static double number(String labelText, String name) {
    try {
      return Double.parseDouble(nonEmpty(labelText, name));
    } catch (NumberFormatException e) {
      throw new LineProblem("label column \"" + name + "\" value "
          + TextSource.quote(labelText) + " is not a number");
    }
  }

  /** Whether a label's text is a number (as {@link Double#parseDouble} reads it). */
  static boolean isNumber(String text) {
    try {
      Double.parseDouble(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** @throws LineProblem naming the column of a bad field */
  static Row parse(String text, Columns cols, String file, long offset, LabelReader reader) {
    List<String> fields = CsvLine.split(text);
    String[] names = cols.names();
    if (fields.size() != names.length) {
      throw new LineProblem("has " + fields.size() + " fields, the header has " + names.length);
    }
    Object label = reader.read(fields, cols);
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
