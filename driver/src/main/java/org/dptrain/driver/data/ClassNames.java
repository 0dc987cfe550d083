package org.dptrain.driver.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.dptrain.model.ModelFile;

/**
 * Class labels given as names ({@code setosa}, {@code yes}) and the class indices they stand for.
 *
 * <p><b>Order.</b> Training numbers the names found in the training data in sorted order
 * ({@link String#compareTo}: by UTF-16 code unit, the same on every machine and locale), so
 * class 0 is the smallest name: {@code no} = 0, {@code yes} = 1; {@code false} = 0,
 * {@code true} = 1. Sorted rather than first-seen or most-frequent (Spark's StringIndexer
 * default) because it depends only on the set of names: the same classes get the same indices
 * whatever the order, split or content of the files, so a model retrained or warm-started on new
 * data keeps its outputs' meaning. The names, by index, are stored in model.json
 * ({@link ModelFile#CLASS_NAMES}); evaluation and prediction map names with them, and a name the
 * model does not know is an error.
 */
public final class ClassNames implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Most distinct names collected from data before giving up (far more than any output layer). */
  public static final int MAX_DISTINCT = 10_000;

  private final List<String> names;
  private final HashMap<String, Integer> index;

  /** @param names the names by class index (distinct) */
  public ClassNames(List<String> names) {
    this.names = List.copyOf(names);
    this.index = new HashMap<>();
    for (int i = 0; i < this.names.size(); i++) {
      if (index.put(this.names.get(i), i) != null) {
        throw new IllegalArgumentException("class names " + describe(names)
            + " name a class twice");
      }
    }
  }

  /** The names by class index. */
  public List<String> names() {
    return names;
  }

  /** The class index of {@code name}, or -1 if it is not one of these names. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  /** The names found in data, sorted (see the class comment), each once. */
  public static List<String> sorted(Collection<String> found) {
    return List.copyOf(new TreeSet<>(found));
  }

  /** What is wrong with a class name read from data, or null: empty, or too long. */
  static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (name.length() > ModelFile.MAX_CLASS_NAME_LENGTH) {
      return "has " + name.length() + " characters; a class name has at most "
          + ModelFile.MAX_CLASS_NAME_LENGTH;
    }
    return null;
  }

  /** Why a value is not a class of the model, for messages. */
  String unknown(String column, String value) {
    return "label column \"" + column + "\" value " + TextSource.quote(value) + " is not one of"
        + " the model's " + names.size() + " classes " + describe(names);
  }

  /** Names for a message: {@code ("a", "b", "c")}, the first 10 and a count of the rest. */
  public static String describe(List<String> names) {
    int shown = Math.min(10, names.size());
    String head = names.subList(0, shown).stream().map(TextSource::quote)
        .collect(Collectors.joining(", "));
    return "(" + head + (names.size() > shown ? ", ... " + (names.size() - shown) + " more" : "")
        + ")";
  }

  /** Merges per-partition sets of names, keeping at most {@link #MAX_DISTINCT} + 1. */
  static List<String> union(List<List<String>> parts) {
    TreeSet<String> all = new TreeSet<>();
    for (List<String> p : parts) {
      all.addAll(p);
      if (all.size() > MAX_DISTINCT) {
        break;
      }
    }
    return new ArrayList<>(all);
  }
}
