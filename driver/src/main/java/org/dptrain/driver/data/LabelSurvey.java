package org.dptrain.driver.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

/**
 * What the label texts of a text source are, found in one pass: how many examples, the first
 * label that is a number and the first that is not (in file and position order), and the
 * distinct non-numbers (at most {@link ClassNames#MAX_DISTINCT} + 1 of them). Rows are (features,
 * label text or null, file, position); partitions report as string arrays, which every
 * serializer ships (Kryo registration included).
 *
 * @param count the number of examples
 * @param firstNumber the first label that is a number, or null
 * @param firstName the first label that is not a number, or null
 * @param names the distinct labels that are not numbers, sorted
 */
record LabelSurvey(long count, At firstNumber, At firstName, List<String> names) {
  /** A label text and where it is. */
  record At(String file, long pos, String text) {}

  private static final Comparator<At> ORDER =
      Comparator.comparing(At::file).thenComparingLong(At::pos);

  static LabelSurvey of(JavaRDD<Row> rows) {
    List<String[]> parts = rows.mapPartitions(it -> {
      long n = 0;
      String[] number = null;
      String[] name = null;
      TreeSet<String> names = new TreeSet<>();
      while (it.hasNext()) {
        Row r = it.next();
        n++;
        if (r.isNullAt(1)) {
          continue;
        }
        String text = r.getString(1);
        if (CsvSource.isNumber(text)) {
          if (number == null) {
            number = new String[] {r.getString(2), Long.toString(r.getLong(3)), text};
          }
        } else {
          if (name == null) {
            name = new String[] {r.getString(2), Long.toString(r.getLong(3)), text};
          }
          if (names.size() <= ClassNames.MAX_DISTINCT) {
            names.add(text);
          }
        }
      }
      List<String> out = new ArrayList<>();
      out.add(Long.toString(n));
      for (String[] at : new String[][] {number, name}) {
        for (int i = 0; i < 3; i++) {
          out.add(at == null ? null : at[i]);
        }
      }
      out.addAll(names);
      return List.<String[]>of(out.toArray(new String[0])).iterator();
    }).collect();
    long count = 0;
    At number = null;
    At name = null;
    List<List<String>> names = new ArrayList<>();
    for (String[] p : parts) {
      count += Long.parseLong(p[0]);
      number = first(number, at(p, 1));
      name = first(name, at(p, 4));
      names.add(java.util.Arrays.asList(p).subList(7, p.length));
    }
    return new LabelSurvey(count, number, name, ClassNames.union(names));
  }

  private static At at(String[] p, int i) {
    return p[i] == null ? null : new At(p[i], Long.parseLong(p[i + 1]), p[i + 2]);
  }

  private static At first(At a, At b) {
    if (a == null) {
      return b;
    }
    return b == null || ORDER.compare(a, b) <= 0 ? a : b;
  }
}
