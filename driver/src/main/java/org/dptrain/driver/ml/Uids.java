package org.dptrain.driver.ml;

import java.util.Objects;
import org.apache.spark.ml.util.Identifiable;

/**
 * Hands a uid to a {@code Params} object before its superclass constructor runs.
 *
 * <p>Spark's {@code Params} traits create their {@code Param}s while the superclass constructor
 * runs, and every {@code Param} records {@code uid()} as its parent. A uid stored in a field by
 * our constructor would still be null then. So our classes produce the uid lazily inside
 * {@code uid()}: a constructor taking a uid first passes it here (in the argument list of
 * {@code this(...)}, which is evaluated before {@code super()}), and the first call of
 * {@code uid()} claims it on the same thread; with nothing passed, a random uid is made.
 */
final class Uids {
  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

  private Uids() {}

  /** Proof that a uid was passed, for the private constructor that claims it. */
  record Passed(String uid) {}

  /**
   * Passes {@code uid} to the next {@link #claim} on this thread, replacing anything a failed
   * construction may have left.
   */
  static Passed pass(String uid) {
    Objects.requireNonNull(uid, "uid");
    if (uid.isBlank()) {
      throw new IllegalArgumentException("a uid must not be blank");
    }
    PENDING.set(uid);
    return new Passed(uid);
  }

  /**
   * The uid passed on this thread (which is consumed), or a new random one with the prefix (for
   * an object whose constructor passed none; every constructor here passes one).
   */
  static String claim(String prefix) {
    String uid = PENDING.get();
    if (uid == null) {
      return Identifiable.randomUID(prefix);
    }
    PENDING.remove();
    return uid;
  }

  /**
   * Checks, at the end of a constructor, that the object claimed the uid it was given.
   *
   * @throws IllegalStateException if it has another (a bug in the constructor chain)
   */
  static void check(Passed passed, String claimed) {
    PENDING.remove();
    if (!passed.uid().equals(claimed)) {
      throw new IllegalStateException("constructed with uid " + passed.uid() + " but holds "
          + claimed);
    }
  }
}
