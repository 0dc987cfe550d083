package org.dptrain.network;

import dev.ludovic.netlib.blas.BLAS;
import org.dptrain.linalg.Blas;
import org.junit.jupiter.api.Assumptions;

/**
 * The BLAS implementations the kernel tests run over. Native is skipped (not failed) on a machine
 * without a native BLAS, with the loader's reason as the skip message.
 */
enum BlasChoice {
  JAVA, NATIVE;

  /** The implementation, or an aborted assumption when native does not load here. */
  BLAS blas() {
    if (this == JAVA) {
      return Blas.java();
    }
    try {
      return Blas.nativeOrFail();
    } catch (IllegalStateException e) {
      Assumptions.abort(e.getMessage());
      throw new AssertionError("unreachable: Assumptions.abort throws");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT) + " BLAS";
  }
}
