package org.dptrain.driver.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.Footer;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet through Spark's reader. Features are either one column of Spark ML vectors or arrays of
 * numbers ({@link DataOptions#featuresColumn()}), or numeric columns assembled into a dense vector
 * ({@link DataOptions#featureColumns()}, by default every numeric column but the label when there
 * is no vector column). Labels are read as {@link ParquetLabels} says: numbers, class names
 * (strings) or vectors of regression targets. When {@link DataOptions#labelsOptional()} and the
 * schema lacks the label column(s), there are no labels (NaN, or a null vector); a label column
 * that is present is read and checked either way. Examples are located by Spark's hidden {@code _metadata.file_path} and
 * {@code _metadata.row_index} columns: the file and the 0-based row within it.
 */
final class ParquetSource {
  private ParquetSource() {}

  static LoadedData load(SparkSession spark, DataOptions options, HadoopConf conf,
      Targets targets) {
    List<Path> files = SourceFiles.list(conf.get(), options.path());
    if (files.isEmpty()) {
      throw DataValidationException.noExamples(options.path());
    }
    String path = options.path();
    StructType schema = schema(conf, files.get(0));
    Dataset<Row> raw = spark.read().schema(schema).parquet(path);
    List<String> labelNames = options.labels();
    if (raw.isEmpty()) {
      throw DataValidationException.noExamples(path);
    }
    ParquetLabels labels = ParquetLabels.of(raw, schema, options, targets, path);
    Column labelValue = labels.select();

    List<String> assembled = options.featureColumns();
    StructField vectorField = field(schema, options.featuresColumn());
    if (assembled == null && vectorField == null) {
      assembled = Arrays.stream(schema.fields())
          .filter(f -> f.dataType() instanceof NumericType && !labelNames.contains(f.name()))
          .map(StructField::name).collect(Collectors.toList());
      if (assembled.isEmpty()) {
        throw new DataValidationException(path, null, "has no features column \""
            + options.featuresColumn() + "\" and no numeric column besides the label; its "
            + "columns are " + names(schema));
      }
    }
    Column file = functions.col("_metadata.file_path");
    Column row = functions.col("_metadata.row_index");
    if (assembled != null) {
      return assemble(spark, raw, path, labels, labelValue, assembled, options.numFeatures(), file,
          row);
    }
    DataType type = vectorField.dataType();
    boolean isVector = type instanceof VectorUDT;
    if (!isVector && !(type instanceof ArrayType
        && ((ArrayType) type).elementType() instanceof NumericType)) {
      throw new DataValidationException(path, null, "features column \"" + vectorField.name()
          + "\" has type " + type.simpleString() + "; it must hold vectors or arrays of numbers");
    }
    Dataset<Row> selected = raw.select(labelValue, column(vectorField.name()), file, row);
    int numFeatures = vectorWidth(selected, vectorField, options.numFeatures(), path);
    String name = vectorField.name();
    JavaRDD<Row> rows = selected.javaRDD().mapPartitions(it -> new MappedIterator<>(it, r -> {
      String f = r.getString(2);
      long pos = r.getLong(3);
      Object v = r.get(1);
      Vector x;
      if (v == null) {
        x = null;
      } else if (isVector) {
        x = (Vector) v;
      } else {
        List<Object> values = r.getList(1);
        double[] dense = new double[values.size()];
        for (int i = 0; i < dense.length; i++) {
          Object e = values.get(i);
          if (e == null) {
            throw new DataValidationException(f, DataValidationException.row(pos), "features \""
                + name + "\" element " + i + " is null");
          }
          dense[i] = ((Number) e).doubleValue();
        }
        x = Vectors.dense(dense);
      }
      return RowFactory.create(x, labels.read(r, f, pos), f, pos);
    }));
    return frame(spark, rows, numFeatures, labels);
  }

  private static LoadedData assemble(SparkSession spark, Dataset<Row> raw, String path,
      ParquetLabels labels, Column labelValue, List<String> columns, Integer expected, Column file,
      Column row) {
    StructType schema = raw.schema();
    List<Column> selected = new ArrayList<>();
    selected.add(labelValue);
    for (String c : columns) {
      StructField f = field(schema, c);
      if (f == null) {
        throw new DataValidationException(path, null, "feature column \"" + c + "\" is not in the "
            + "schema; its columns are " + names(schema));
      }
      if (!(f.dataType() instanceof NumericType)) {
        throw new DataValidationException(path, null, "feature column \"" + c + "\" has type "
            + f.dataType().simpleString() + "; feature columns must be numeric");
      }
      selected.add(column(c));
    }
    int width = columns.size();
    if (expected != null && expected != width) {
      throw new DataValidationException(path, null, "has " + width + " feature columns but "
          + "numFeatures is " + expected);
    }
    selected.add(file);
    selected.add(row);
    String[] names = columns.toArray(new String[0]);
    JavaRDD<Row> rows = raw.select(selected.toArray(new Column[0])).javaRDD()
        .mapPartitions(it -> new MappedIterator<>(it, r -> {
          String f = r.getString(width + 1);
          long pos = r.getLong(width + 2);
          double[] x = new double[width];
          for (int i = 0; i < width; i++) {
            Object v = r.get(i + 1);
            if (v == null) {
              throw new DataValidationException(f, DataValidationException.row(pos), "column \""
                  + names[i] + "\" is null");
            }
            x[i] = ((Number) v).doubleValue();
            if (!Double.isFinite(x[i])) {
              throw new DataValidationException(f, DataValidationException.row(pos), "column \""
                  + names[i] + "\" value " + x[i] + " is not finite");
            }
          }
          return RowFactory.create(Vectors.dense(x), labels.read(r, f, pos), f, pos);
        }));
    return frame(spark, rows, width, labels);
  }

  private static LoadedData frame(SparkSession spark, JavaRDD<Row> rows, int width,
      ParquetLabels labels) {
    return new LoadedData(spark.createDataFrame(rows, labels.vectorFrame()
        ? LoadedData.VECTOR_LABEL_SCHEMA : LoadedData.SCHEMA), width, DataFormat.PARQUET,
        labels.width(), labels.classNames());
  }

  /**
   * The width of the vector column: as given, else from its ML attribute metadata, else the
   * width of the first row that has a vector.
   */
  private static int vectorWidth(Dataset<Row> selected, StructField field, Integer given,
      String path) {
    if (given != null) {
      return given;
    }
    if (field.dataType() instanceof VectorUDT) {
      int size = AttributeGroup.fromStructField(field).size();
      if (size > 0) {
        return size;
      }
    }
    Column c = column(field.name());
    List<Row> first = selected.where(c.isNotNull()).select(c).limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new DataValidationException(path, null, "features column \"" + field.name()
          + "\" is null in every row");
    }
    Object v = first.get(0).get(0);
    return v instanceof Vector ? ((Vector) v).size() : first.get(0).getList(0).size();
  }

  /**
   * The Spark schema stored in (or derived from) the footer of {@code file}, read on the driver.
   * Spark's own inference runs a job whose task results are StructTypes, which Kryo with
   * registration required refuses as soon as a column is a float, an array or a vector; reading
   * the footer here, with the same Spark routine that job runs per file, needs no job. Like
   * Spark without schema merging, it takes the schema of one file: the first by name.
   */
  static StructType schema(HadoopConf conf, Path file) {
    ParquetMetadata footer;
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(file, conf.get()))) {
      footer = reader.getFooter();
    } catch (IOException | RuntimeException e) {
      throw new DataValidationException(file.toString(), null, "is not a readable Parquet file: "
          + e.getMessage());
    }
    return ParquetFileFormat.readSchemaFromFooter(new Footer(file, footer),
        new ParquetToSparkSchemaConverter(SQLConf.get()));
  }

  private static StructField field(StructType schema, String name) {
    return Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst()
        .orElse(null);
  }

  private static String names(StructType schema) {
    return String.join(", ", schema.fieldNames());
  }

  /** A column by its exact name, dots and all. */
  static Column column(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }
}
