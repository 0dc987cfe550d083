package org.dptrain.driver.data;

import java.util.Arrays;
import java.util.List;
import java.util.StringTokenizer;
import java.util.regex.Pattern;
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
 * LIBSVM text: {@code label index:value index:value ...} with 1-based, strictly ascending
 * indices, separated by spaces or tabs. Blank lines and lines starting with {@code #} are skipped,
 * as Spark's {@code MLUtils.loadLibSVMFile} does. Features become sparse vectors.
 */
final class LibsvmSource {
  /** An integer in decimal: one that does not fit an int is out of range, not malformed. */
  private static final Pattern DIGITS = Pattern.compile("[+-]?[0-9]+");

  private LibsvmSource() {}

  /** One parsed line; indices are 0-based. */
  record Line(double label, int[] indices, double[] values) {}

  /**
   * Parses every line once (validating syntax, counting examples and finding the largest index),
   * then builds the frame lazily. An index beyond {@code options.numFeatures()} is an error
   * saying it {@code exceeds numFeatures N}.
   */
  static LoadedData load(SparkSession spark, DataOptions options, HadoopConf conf) {
    return load(spark, options, conf, null);
  }

  /**
   * As {@link #load(SparkSession, DataOptions, HadoopConf)}, with {@code width} naming where
   * numFeatures came from in that message ({@code "the model's 784 features"}); null for
   * {@code "numFeatures N"}.
   */
  static LoadedData load(SparkSession spark, DataOptions options, HadoopConf conf, String width) {
    List<Path> files = SourceFiles.list(conf.get(), options.path());
    if (files.isEmpty()) {
      throw DataValidationException.noExamples(options.path());
    }
    JavaHadoopRDD<LongWritable, Text> lines = TextSource.lines(spark, conf, files);
    int limit = options.numFeatures() == null ? Integer.MAX_VALUE : options.numFeatures();
    String limitName = width != null ? width : "numFeatures " + limit;

    TextSource.LineReader<Line> parser = (file, offset, text) -> parse(text, limit, limitName);
    List<long[]> stats = lines.mapPartitionsWithInputSplit(
        TextSource.each(conf, parser), false).mapPartitions(it -> {
          long[] countAndMax = new long[2];
          while (it.hasNext()) {
            Line l = it.next();
            countAndMax[0]++;
            if (l.indices().length > 0) {
              countAndMax[1] = Math.max(countAndMax[1], l.indices()[l.indices().length - 1] + 1L);
            }
          }
          return List.of(countAndMax).iterator();
        }).collect();
    long count = stats.stream().mapToLong(s -> s[0]).sum();
    long maxIndex = stats.stream().mapToLong(s -> s[1]).max().orElse(0);
    if (count == 0) {
      throw DataValidationException.noExamples(options.path());
    }
    int numFeatures;
    if (options.numFeatures() != null) {
      numFeatures = options.numFeatures();
    } else if (maxIndex == 0) {
      throw new DataValidationException(options.path(), null, "no line has a feature, so the "
          + "number of features cannot be inferred; give numFeatures");
    } else {
      numFeatures = (int) maxIndex;
    }

    TextSource.LineReader<Row> toRow = (file, offset, text) -> {
      Line l = parse(text, numFeatures, limitName);
      return l == null ? null : RowFactory.create(
          Vectors.sparse(numFeatures, l.indices(), l.values()), l.label(), file, offset);
    };
    JavaRDD<Row> rows = lines.mapPartitionsWithInputSplit(TextSource.each(conf, toRow), false);
    return new LoadedData(spark.createDataFrame(rows, LoadedData.SCHEMA), numFeatures,
        DataFormat.LIBSVM);
  }

  /**
   * Parses one line; null for a blank or comment line.
   *
   * @param numFeatures the largest index allowed
   * @param limitName what numFeatures is, in the message of an index beyond it
   *     ({@code "index 9 in \"9:1\" exceeds <limitName>"})
   * @throws LineProblem saying what is wrong
   */
  static Line parse(String text, int numFeatures, String limitName) {
    String line = text.strip();
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    StringTokenizer tokens = new StringTokenizer(line, " \t");
    String labelToken = tokens.nextToken();
    double label;
    try {
      label = Double.parseDouble(labelToken);
    } catch (NumberFormatException e) {
      throw new LineProblem("label " + TextSource.quote(labelToken) + " is not a number");
    }
    int[] indices = new int[Math.min(tokens.countTokens(), 1024)];
    double[] values = new double[indices.length];
    int n = 0;
    int previous = 0;
    while (tokens.hasMoreTokens()) {
      String token = tokens.nextToken();
      int colon = token.indexOf(':');
      if (colon < 0) {
        throw new LineProblem("token " + TextSource.quote(token) + " is not index:value");
      }
      String indexText = token.substring(0, colon);
      String valueText = token.substring(colon + 1);
      int index;
      try {
        index = Integer.parseInt(indexText);
      } catch (NumberFormatException e) {
        if (DIGITS.matcher(indexText).matches()) {
          throw new LineProblem("index " + TextSource.quote(indexText) + " in "
              + TextSource.quote(token) + " is out of range: " + (indexText.startsWith("-")
                  ? "indices are 1-based" : numFeatures == Integer.MAX_VALUE
                      ? "indices go up to " + Integer.MAX_VALUE : "it exceeds " + limitName));
        }
        throw new LineProblem("index " + TextSource.quote(indexText) + " in "
            + TextSource.quote(token) + " is not an integer");
      }
      if (index < 1) {
        throw new LineProblem("index " + index + " in " + TextSource.quote(token)
            + ": indices are 1-based");
      }
      if (index <= previous) {
        throw new LineProblem("index " + index + " in " + TextSource.quote(token)
            + " follows index " + previous + ": indices must be strictly ascending");
      }
      if (index > numFeatures) {
        throw new LineProblem("index " + index + " in " + TextSource.quote(token)
            + " exceeds " + limitName);
      }
      double value;
      try {
        value = Double.parseDouble(valueText);
      } catch (NumberFormatException e) {
        throw new LineProblem("value " + TextSource.quote(valueText) + " in "
            + TextSource.quote(token) + " is not a number");
      }
      if (!Double.isFinite(value)) {
        throw new LineProblem("value " + valueText + " in " + TextSource.quote(token)
            + " is not finite");
      }
      if (n == indices.length) {
        indices = Arrays.copyOf(indices, 2 * n);
        values = Arrays.copyOf(values, 2 * n);
      }
      indices[n] = index - 1;
      values[n] = value;
      n++;
      previous = index;
    }
    return new Line(label, Arrays.copyOf(indices, n), Arrays.copyOf(values, n));
  }
}
