package org.dptrain.data;

import org.dptrain.names.Names;

/**
 * How a {@link Block} stores its examples and, with it, the arithmetic of the matrix products that
 * read it. Whatever the precision, parameters, gradient sums, losses and the optimizer are float64:
 * float32 only halves the memory of the cached blocks and runs the products as sgemm.
 */
public enum Precision {
  /** Blocks of doubles, products with dgemm: the default. */
  FLOAT64,
  /** Blocks of floats, products with sgemm on weights cast to float once per pass; activations,
   *  losses and the gradient sums stay float64. */
  FLOAT32;

  /** The precision used when none is chosen. */
  public static final Precision DEFAULT = FLOAT64;

  /** The name used in configuration: {@code float64} or {@code float32}. */
  public String id() {
    return Names.id(this);
  }

  /** Bytes per stored value. */
  public int bytes() {
    return switch (this) {
      case FLOAT64 -> Double.BYTES;
      case FLOAT32 -> Float.BYTES;
    };
  }

  /**
   * Parses a name case-insensitively.
   *
   * @throws IllegalArgumentException naming the value and listing the valid names
   */
  public static Precision parse(String name) {
    return Names.parse(Precision.class, "precision", name);
  }
}
