package org.dptrain.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide BLAS, chosen once by the system property {@value #PROPERTY}:
 * <ul>
 *   <li>{@code auto} (default): the machine's native BLAS (e.g. OpenBLAS from
 *       {@code libopenblas0-pthread}) when it loads, else the pure-Java one;</li>
 *   <li>{@code native}: native or an error;</li>
 *   <li>{@code java}: pure Java (vectorised when {@code jdk.incubator.vector} is present).</li>
 * </ul>
 * The choice, and the reason when auto could not load native, is logged once at INFO in one line
 * ({@link #announcement}).
 */
public final class Blas {
  /** System property that selects the implementation: auto, native or java. */
  public static final String PROPERTY = "dptrain.blas";
  /** Default of {@link #PROPERTY}. */
  public static final String DEFAULT_CHOICE = "auto";

  private static final Logger LOG = LoggerFactory.getLogger(Blas.class);
  private static volatile BLAS instance;

  private Blas() {}

  /** The chosen BLAS; the first call decides and logs. */
  public static BLAS get() {
    BLAS b = instance;
    if (b == null) {
      synchronized (Blas.class) {
        b = instance;
        if (b == null) {
          b = choose(System.getProperty(PROPERTY, DEFAULT_CHOICE));
          instance = b;
        }
      }
    }
    return b;
  }

  /** Whether the chosen BLAS is native code. */
  public static boolean isNative() {
    return !(get() instanceof JavaBLAS);
  }

  /** A short description of the chosen implementation, for logs and benchmark output. */
  public static String describe() {
    return describe(get());
  }

  /** The implementation's class name and whether it is native. */
  public static String describe(BLAS blas) {
    return blas.getClass().getSimpleName() + (blas instanceof JavaBLAS ? " (pure Java)" : " (native)");
  }

  /** The pure-Java BLAS, regardless of the property (benchmarks compare both in one run). */
  public static BLAS java() {
    return JavaBLAS.getInstance();
  }

  /**
   * The native BLAS, regardless of the property.
   *
   * @throws IllegalStateException when no native BLAS loads on this machine, with the reason
   */
  public static BLAS nativeOrFail() {
    return nativeOrFail(NativeBLAS::getInstance);
  }

  private static BLAS nativeOrFail(Supplier<BLAS> nativeBlas) {
    try {
      return nativeBlas.get();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("no native BLAS on this machine (install libopenblas0-pthread"
          + " or another libblas.so.3): " + rootMessage(e), e);
    }
  }

  static BLAS choose(String choice) {
    return choose(choice, NativeBLAS::getInstance);
  }

  /**
   * The BLAS for {@code choice}, with {@code nativeBlas} loading the native one; logs
   * {@link #announcement} once at INFO. (netlib's own warnings while it probes for native
   * libraries are kept out of the console by conf/log4j2.properties: this line says it all.)
   */
  static BLAS choose(String choice, Supplier<BLAS> nativeBlas) {
    String c = choice.trim().toLowerCase(Locale.ROOT);
    BLAS chosen;
    Throwable nativeFailure = null;
    switch (c) {
      case "java":
        chosen = java();
        break;
      case "native":
        chosen = nativeOrFail(nativeBlas);
        break;
      case "auto":
        try {
          chosen = nativeBlas.get();
        } catch (RuntimeException | LinkageError e) {
          chosen = java();
          nativeFailure = e;
        }
        break;
      default:
        throw new IllegalArgumentException("system property " + PROPERTY + "='" + choice
            + "' is not one of: auto, native, java");
    }
    LOG.info(announcement(chosen, c, nativeFailure));
    return chosen;
  }

  /**
   * The one line that says which BLAS runs: {@code "BLAS: JNIBLAS (native)"}, with
   * {@code " (dptrain.blas=java)"} when chosen by the property, or for auto without native
   * {@code "BLAS: VectorBLAS (pure Java); no native BLAS loaded (<reason>): install
   * libopenblas0-pthread for native speed"}.
   *
   * @param nativeFailure why auto could not load native, or null
   */
  static String announcement(BLAS chosen, String choice, Throwable nativeFailure) {
    String line = "BLAS: " + describe(chosen);
    if (nativeFailure != null) {
      return line + "; no native BLAS loaded (" + rootMessage(nativeFailure) + "): install"
          + " libopenblas0-pthread (or another libblas.so.3) for native speed";
    }
    return choice.equals(DEFAULT_CHOICE) ? line : line + " (" + PROPERTY + "=" + choice + ")";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
