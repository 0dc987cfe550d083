package org.dptrain.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The BLAS choice and the one line that announces it. */
class BlasTest {
  private static final Supplier<BLAS> NO_NATIVE = () -> {
    throw new RuntimeException("Unable to load native implementation",
        new UnsatisfiedLinkError("libblas.so.3: cannot open shared object file"));
  };

  @Test
  void autoWithoutNativeFallsBackToJavaAndSaysWhyInOneLine() {
    BLAS b = Blas.choose("auto", NO_NATIVE);

    assertSame(Blas.java(), b);
    String line = Blas.announcement(b, "auto", new RuntimeException("Unable to load native"
        + " implementation", new UnsatisfiedLinkError("libblas.so.3: cannot open shared object"
        + " file")));
    assertEquals("BLAS: " + Blas.describe(b) + "; no native BLAS loaded (UnsatisfiedLinkError:"
        + " libblas.so.3: cannot open shared object file): install libopenblas0-pthread (or"
        + " another libblas.so.3) for native speed", line);
    assertTrue(line.indexOf('\n') < 0, line);
  }

  @Test
  void autoWithNativeUsesItAndSaysSo() {
    BLAS java = Blas.java();
    assertSame(java, Blas.choose(" AUTO ", () -> java));
    assertEquals("BLAS: " + Blas.describe(java), Blas.announcement(java, "auto", null));
  }

  @Test
  void anExplicitChoiceIsNamed() {
    BLAS b = Blas.choose("java", NO_NATIVE);
    assertSame(Blas.java(), b);
    assertEquals("BLAS: " + Blas.describe(b) + " (dptrain.blas=java)",
        Blas.announcement(b, "java", null));
  }

  @Test
  void nativeWithoutNativeIsAnErrorNamingTheCause() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Blas.choose("native", NO_NATIVE));
    assertEquals("no native BLAS on this machine (install libopenblas0-pthread or another"
        + " libblas.so.3): UnsatisfiedLinkError: libblas.so.3: cannot open shared object file",
        e.getMessage());
  }

  @Test
  void anUnknownChoiceListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Blas.choose("fast", NO_NATIVE));
    assertEquals("system property dptrain.blas='fast' is not one of: auto, native, java",
        e.getMessage());
  }
}
