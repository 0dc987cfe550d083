package org.dptrain.driver.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How {@link ParquetSource} reads labels: the column expression to select (as field 0 of each
 * row) and how that field becomes the frame's label.
 *
 * <ul>
 *   <li>One numeric column: the number (a class index or a regression target).</li>
 *   <li>A string column, for classification: class names, looked up in the model's
 *       ({@link Targets#classNames()}) or, without them, numbered in sorted order
 *       ({@link ClassNames}) after one Spark job collects the distinct names.</li>
 *   <li>A vector column (Spark ML vectors or arrays of numbers), for regression: one target per
 *       output; several numeric label columns ({@link DataOptions#labelColumns()}) are read as
 *       such a vector, in the order given.</li>
 * </ul>
 */
final class ParquetLabels implements Serializable {
  private static final long serialVersionUID = 1L;

  private enum Kind { NUMBER, NAMES, VECTOR, NONE }

  private final Kind kind;
  private final String column;
  private final List<String> columns;
  private final ClassNames names;
  private final boolean vectorFrame;
  private final int width;
  private final transient Column select;

  private ParquetLabels(Kind kind, String column, List<String> columns, ClassNames names,
      boolean vectorFrame, int width, Column select) {
    this.kind = kind;
    this.column = column;
    this.columns = columns;
    this.names = names;
    this.vectorFrame = vectorFrame;
    this.width = width;
    this.select = select;
  }

  /** The expression giving field 0: the label as the file has it. */
  Column select() {
    return select;
  }

  /** Whether the frame's labels are vectors. */
  boolean vectorFrame() {
    return vectorFrame;
  }

  /** Targets per example (1 unless {@link #vectorFrame}). */
  int width() {
    return width;
  }

  /** The class names the labels had, by index, or null when they are numbers. */
  List<String> classNames() {
    return names == null ? null : names.names();
  }

  /**
   * How to read the labels of {@code raw} (schema {@code schema}) for {@code targets}.
   *
   * @throws DataValidationException (whole file) for a missing label column or one of a type the
   *     task cannot take
   * @throws IllegalArgumentException for several label columns with classification
   */
  static ParquetLabels of(Dataset<Row> raw, StructType schema, DataOptions options,
      Targets targets, String path) {
    List<String> labels = options.labels();
    boolean regression = targets.type() == TaskType.REGRESSION;
    if (!regression && labels.size() > 1) {
      throw new IllegalArgumentException("classification takes one label column, but "
          + labels.size() + " are asked for (" + String.join(", ", labels) + "); several label "
          + "columns are for regression (mse, sse)");
    }
    List<String> missing = labels.stream().filter(l -> field(schema, l) == null).toList();
    if (!missing.isEmpty()) {
      if (!options.labelsOptional() || missing.size() < labels.size()) {
        throw new DataValidationException(path, null, "label column"
            + (missing.size() > 1 ? "s " : " ") + quoted(missing) + (missing.size() > 1 ? " are"
            : " is") + " not in the schema; its columns are " + String.join(", ",
            schema.fieldNames()));
      }
      // absent (labels optional): NaN or a null vector, which read passes through
      boolean vectors = regression && (options.labelColumns() != null || targets.outputs() > 1);
      return new ParquetLabels(Kind.NONE, labels.get(0), labels, null, vectors,
          !vectors ? 1 : options.labelColumns() != null ? labels.size() : targets.outputs(), vectors
              ? functions.lit(null).cast(DataTypes.createArrayType(DataTypes.DoubleType))
              : functions.lit(Double.NaN).cast(DataTypes.DoubleType));
    }
    if (options.labelColumns() != null && regression) {
      Column[] parts = new Column[labels.size()];
      for (int i = 0; i < parts.length; i++) {
        StructField f = field(schema, labels.get(i));
        if (!(f.dataType() instanceof NumericType)) {
          throw new DataValidationException(path, null, "label column \"" + f.name()
              + "\" has type " + f.dataType().simpleString() + "; label columns must be numeric");
        }
        parts[i] = ParquetSource.column(f.name()).cast(DataTypes.DoubleType);
      }
      return new ParquetLabels(Kind.VECTOR, null, labels, null, true, labels.size(),
          functions.array(parts));
    }
    String label = labels.get(0);
    DataType type = field(schema, label).dataType();
    Column c = ParquetSource.column(label);
    if (type instanceof NumericType) {
      if (targets.classNames() != null) {
        throw new DataValidationException(path, null, "label column \"" + label + "\" has type "
            + type.simpleString() + ", but the model's classes are names "
            + ClassNames.describe(targets.classNames()) + "; the labels must be those names");
      }
      return new ParquetLabels(Kind.NUMBER, label, labels, null, false, 1, c);
    }
    if (type instanceof StringType && !regression) {
      List<String> names = targets.classNames() != null ? targets.classNames()
          : discover(raw, c, label, path);
      return new ParquetLabels(Kind.NAMES, label, labels, new ClassNames(names), false, 1, c);
    }
    boolean vectorType = type instanceof VectorUDT || (type instanceof ArrayType
        && ((ArrayType) type).elementType() instanceof NumericType);
    if (vectorType && regression) {
      return new ParquetLabels(Kind.VECTOR, label, labels, null, true,
          vectorWidth(raw, field(schema, label), c, path), c);
    }
    throw new DataValidationException(path, null, "label column \"" + label + "\" has type "
        + type.simpleString() + "; " + (regression
            ? "regression labels must be numeric, or vectors of numbers (one per output)"
            : "class labels must be numeric (class indices) or strings (class names)"));
  }

  /** The distinct non-null names, sorted (one Spark job). */
  private static List<String> discover(Dataset<Row> raw, Column c, String label, String path) {
    List<String> found = raw.select(c).where(c.isNotNull()).distinct()
        .limit(ClassNames.MAX_DISTINCT + 1).collectAsList().stream().map(r -> r.getString(0))
        .toList();
    if (found.size() > ClassNames.MAX_DISTINCT) {
      throw new DataValidationException(path, null, "label column \"" + label + "\" holds more "
          + "than " + ClassNames.MAX_DISTINCT + " distinct class names");
    }
    return ClassNames.sorted(found);
  }

  /** The width of a vector label column: its ML metadata, else the first non-null row's. */
  private static int vectorWidth(Dataset<Row> raw, StructField field, Column c, String path) {
    if (field.dataType() instanceof VectorUDT) {
      int size = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(field).size();
      if (size > 0) {
        return size;
      }
    }
    List<Row> first = raw.select(c).where(c.isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new DataValidationException(path, null, "label column \"" + field.name()
          + "\" is null in every row");
    }
    Object v = first.get(0).get(0);
    int size = v instanceof Vector ? ((Vector) v).size() : first.get(0).getList(0).size();
    if (size < 1) {
      throw new DataValidationException(path, null, "label column \"" + field.name()
          + "\" holds vectors of 0 values; at least 1 is needed");
    }
    return size;
  }

  /**
   * The label in field 0 of {@code r}: a double (a class index or a target) or a Spark ML vector.
   *
   * @throws DataValidationException naming the file, row and column of a null, an unknown name
   *     or a bad element
   */
  Object read(Row r, String file, long pos) {
    return switch (kind) {
      case NONE -> vectorFrame ? null : Double.NaN;
      case NUMBER -> ((Number) nonNull(r, file, pos, column)).doubleValue();
      case NAMES -> {
        String name = (String) nonNull(r, file, pos, column);
        String problem = ClassNames.nameProblem(name);
        if (problem != null) {
          throw new DataValidationException(file, DataValidationException.row(pos),
              "label column \"" + column + "\" value " + TextSource.quote(name) + " " + problem);
        }
        int index = names.indexOf(name);
        if (index < 0) {
          throw new DataValidationException(file, DataValidationException.row(pos),
              names.unknown(column, name));
        }
        yield (double) index;
      }
      case VECTOR -> {
        Object v = nonNull(r, file, pos, column != null ? column : String.join(", ", columns));
        if (v instanceof Vector) {
          yield v;
        }
        List<Object> values = r.getList(0);
        double[] y = new double[values.size()];
        for (int i = 0; i < y.length; i++) {
          Object e = values.get(i);
          if (e == null) {
            throw new DataValidationException(file, DataValidationException.row(pos), column != null
                ? "label column \"" + column + "\" element " + i + " is null"
                : "label column \"" + columns.get(i) + "\" is null");
          }
          y[i] = ((Number) e).doubleValue();
        }
        yield Vectors.dense(y);
      }
    };
  }

  private static Object nonNull(Row r, String file, long pos, String column) {
    if (r.isNullAt(0)) {
      throw new DataValidationException(file, DataValidationException.row(pos), "label column \""
          + column + "\" is null");
    }
    return r.get(0);
  }

  private static StructField field(StructType schema, String name) {
    return Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst()
        .orElse(null);
  }

  private static String quoted(List<String> names) {
    return String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList());
  }
}
