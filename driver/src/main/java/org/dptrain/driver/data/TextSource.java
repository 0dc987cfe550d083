package org.dptrain.driver.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Lines of text files with their file and byte offset, read with Hadoop's TextInputFormat (so
 * compressed files, splits and every Hadoop filesystem work), for the LIBSVM and CSV readers.
 */
final class TextSource {
  private TextSource() {}

  /** One line turned into a value, or null to skip the line. */
  @FunctionalInterface
  interface LineReader<R> extends java.io.Serializable {
    /**
     * @param file the file, as its split names it
     * @param offset the byte offset of the line's first byte
     * @throws LineProblem if the line is bad
     */
    R read(String file, long offset, String line);
  }

  /** Every line of {@code files} (in that order of files), as (offset, text) per input split. */
  @SuppressWarnings("unchecked")
  static JavaHadoopRDD<LongWritable, Text> lines(SparkSession spark, HadoopConf conf,
      List<Path> files) {
    JobConf job = new JobConf(conf.get());
    FileInputFormat.setInputPaths(job, files.toArray(new Path[0]));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return (JavaHadoopRDD<LongWritable, Text>) jsc.hadoopRDD(job, TextInputFormat.class,
        LongWritable.class, Text.class);
  }

  /**
   * A function for {@code mapPartitionsWithInputSplit} that applies {@code reader} to each line
   * lazily, skipping nulls, and turns a {@link LineProblem} into a {@link DataValidationException}
   * naming the file and 1-based line (counted only then, by reading the file up to the line).
   */
  static <R> Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<R>> each(
      HadoopConf conf, LineReader<R> reader) {
    return (split, lines) -> {
      String file = ((FileSplit) split).getPath().toString();
      return new Iterator<R>() {
        private R next;

        @Override
        public boolean hasNext() {
          while (next == null && lines.hasNext()) {
            Tuple2<LongWritable, Text> line = lines.next();
            long offset = line._1().get();
            try {
              next = reader.read(file, offset, line._2().toString());
            } catch (LineProblem p) {
              throw new DataValidationException(file,
                  TextPositions.lineLocation(conf, file, offset), p.getMessage());
            }
          }
          return next != null;
        }

        @Override
        public R next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          R r = next;
          next = null;
          return r;
        }
      };
    };
  }

  /** {@code value} quoted for a message, shortened if long. */
  static String quote(String value) {
    String v = value.length() > 40 ? value.substring(0, 37) + "..." : value;
    return "\"" + v + "\"";
  }
}
