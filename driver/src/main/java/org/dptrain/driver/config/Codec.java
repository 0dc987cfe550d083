package org.dptrain.driver.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.dptrain.names.Names;

/**
 * How the values of one kind of setting are read from text (command line, job file), written as
 * plain values (provenance, logs, the resume check) and carried by a Spark ML param.
 *
 * @param <T> the typed value
 */
public interface Codec<T> {

  /** The kind of Spark ML param that carries such a value. */
  enum SparkKind { INT, LONG, DOUBLE, STRING, INT_ARRAY, STRING_ARRAY, NONE }

  /**
   * Reads {@code text}.
   *
   * @param name the setting as the user wrote it, e.g. {@code --epochs}, for messages
   * @throws IllegalArgumentException naming {@code name} and the text
   */
  T parse(String name, String text);

  /** The value as a plain JSON-able value: a number, string, boolean or list of them. */
  Object plain(T value);

  /** The value as text that {@link #parse} reads back (help defaults, job files). */
  default String text(T value) {
    Object p = plain(value);
    if (p instanceof List<?> l) {
      return String.join(",", l.stream().map(String::valueOf).toList());
    }
    return String.valueOf(p);
  }

  /** The Spark ML param kind; {@link SparkKind#NONE} when no param carries it. */
  default SparkKind sparkKind() {
    return SparkKind.NONE;
  }

  /** The value as its Spark ML param holds it. */
  default Object toSpark(T value) {
    return plain(value);
  }

  /**
   * The value of a Spark ML param.
   *
   * @throws IllegalArgumentException naming {@code name} and the value
   */
  @SuppressWarnings("unchecked")
  default T fromSpark(String name, Object value) {
    return (T) value;
  }

  /** Whole numbers (int). */
  Codec<Integer> INT = number(Integer::valueOf, SparkKind.INT, "not a whole number");

  /** Whole numbers (long). */
  Codec<Long> LONG = number(Long::valueOf, SparkKind.LONG, "not a whole number");

  /** Real numbers. */
  Codec<Double> DOUBLE = number(Double::valueOf, SparkKind.DOUBLE, "not a number");

  /**
   * Numbers read by {@code parser}; text that is not one is "NAME 'TEXT' is WHAT", a whole number
   * too large for the type "is out of range".
   */
  static <T> Codec<T> number(Function<String, T> parser, SparkKind kind, String what) {
    return new Codec<>() {
      @Override
      public T parse(String name, String text) {
        try {
          return parser.apply(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " '" + text + "' is "
              + (text.trim().matches("-?[0-9]+") ? "out of range" : what));
        }
      }

      @Override
      public Object plain(T value) {
        return value;
      }

      @Override
      public SparkKind sparkKind() {
        return kind;
      }
    };
  }

  /** Text as given. */
  Codec<String> TEXT = new Codec<>() {
    @Override
    public String parse(String name, String text) {
      return text;
    }

    @Override
    public Object plain(String value) {
      return value;
    }

    @Override
    public SparkKind sparkKind() {
      return SparkKind.STRING;
    }
  };

  /** An on/off flag. */
  Codec<Boolean> FLAG = new Codec<>() {
    @Override
    public Boolean parse(String name, String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException(name + " '" + text
            + "' must be true or false");
      };
    }

    @Override
    public Object plain(Boolean value) {
      return value;
    }
  };

  /** Comma-separated whole numbers. */
  Codec<int[]> INTS = new Codec<>() {
    @Override
    public int[] parse(String name, String text) {
      String[] parts = text.split(",", -1);
      int[] values = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          values[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " '" + text + "' must be whole numbers"
              + " separated by commas, e.g. 784,256,10");
        }
      }
      return values;
    }

    @Override
    public Object plain(int[] value) {
      return Arrays.stream(value).boxed().toList();
    }

    @Override
    public SparkKind sparkKind() {
      return SparkKind.INT_ARRAY;
    }

    @Override
    public Object toSpark(int[] value) {
      return value.clone();
    }

    @Override
    public int[] fromSpark(String name, Object value) {
      return ((int[]) value).clone();
    }
  };

  /** Comma-separated names. */
  Codec<List<String>> NAMES = new Codec<>() {
    @Override
    public List<String> parse(String name, String text) {
      List<String> out = new ArrayList<>();
      for (String part : text.split(",", -1)) {
        out.add(part.trim());
      }
      return List.copyOf(out);
    }

    @Override
    public Object plain(List<String> value) {
      return value;
    }
  };

  /** An enum constant by its {@link Names} id. */
  static <E extends Enum<E>> Codec<E> choice(Class<E> type, String what) {
    return new Codec<>() {
      @Override
      public E parse(String name, String text) {
        return Names.parse(type, what, text);
      }

      @Override
      public Object plain(E value) {
        return Names.id(value);
      }

      @Override
      public SparkKind sparkKind() {
        return SparkKind.STRING;
      }

      @Override
      public E fromSpark(String name, Object value) {
        return parse(name, (String) value);
      }
    };
  }

  /** Comma-separated enum constants. */
  static <E extends Enum<E>> Codec<List<E>> choices(Class<E> type, String what) {
    return new Codec<>() {
      @Override
      public List<E> parse(String name, String text) {
        List<E> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
          out.add(Names.parse(type, what, part));
        }
        return List.copyOf(out);
      }

      @Override
      public Object plain(List<E> value) {
        return value.stream().map(Names::id).toList();
      }

      @Override
      public SparkKind sparkKind() {
        return SparkKind.STRING_ARRAY;
      }

      @Override
      public Object toSpark(List<E> value) {
        return value.stream().map(Names::id).toArray(String[]::new);
      }

      @Override
      public List<E> fromSpark(String name, Object value) {
        List<E> out = new ArrayList<>();
        for (String s : (String[]) value) {
          out.add(Names.parse(type, what, s));
        }
        return List.copyOf(out);
      }
    };
  }

  /** A value read by {@code parser} (which names what is wrong) and written by {@code writer}. */
  static <T> Codec<T> of(Function<String, T> parser, Function<T, String> writer) {
    return new Codec<>() {
      @Override
      public T parse(String name, String text) {
        return parser.apply(text);
      }

      @Override
      public Object plain(T value) {
        return writer.apply(value);
      }
    };
  }
}
