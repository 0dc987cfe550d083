package org.dptrain.data;

import org.dptrain.names.Names;

/**
 * How a {@link Block} stores its features, and so how the network's first layer reads them.
 * Targets are dense in both layouts; the layers after the first never see the difference.
 */
public enum Layout {
  /** Every feature of every example, features × size column-major: the first layer is a gemm. */
  DENSE,
  /**
   * Only the non-zero features of each example (compressed sparse columns, one column per
   * example): memory and the first layer's arithmetic are proportional to the non-zeros.
   */
  SPARSE;

  /** The name used in configuration: {@code dense} or {@code sparse}. */
  public String id() {
    return Names.id(this);
  }

  /**
   * Parses a name case-insensitively.
   *
   * @throws IllegalArgumentException naming the value and listing the valid names
   */
  public static Layout parse(String name) {
    return Names.parse(Layout.class, "input layout", name);
  }
}
