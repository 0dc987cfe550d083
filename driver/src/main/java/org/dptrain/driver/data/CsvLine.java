package org.dptrain.driver.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into fields: comma-separated, a field that starts with {@code "} is quoted
 * and ends at the next lone {@code "} ({@code ""} inside stands for one quote), as in RFC 4180,
 * except that a quoted field cannot span lines. Unquoted fields are taken as they are.
 */
final class CsvLine {
  private CsvLine() {}

  /** @throws LineProblem for an unterminated quoted field or text after a closing quote */
  static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      if (i < n && line.charAt(i) == '"') {
        StringBuilder field = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw new LineProblem("field " + (fields.size() + 1) + " opens a quote that the "
                + "line does not close (quoted fields cannot span lines)");
          }
          char c = line.charAt(j);
          if (c == '"') {
            if (j + 1 < n && line.charAt(j + 1) == '"') {
              field.append('"');
              j += 2;
              continue;
            }
            j++;
            break;
          }
          field.append(c);
          j++;
        }
        fields.add(field.toString());
        if (j == n) {
          return fields;
        }
        if (line.charAt(j) != ',') {
          throw new LineProblem("field " + fields.size() + " has text after its closing quote");
        }
        i = j + 1;
      } else {
        int comma = line.indexOf(',', i);
        if (comma < 0) {
          fields.add(line.substring(i));
          return fields;
        }
        fields.add(line.substring(i, comma));
        i = comma + 1;
      }
    }
  }
}
