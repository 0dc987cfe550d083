package org.dptrain.driver.checkpoint;

import java.util.Objects;
import org.dptrain.driver.fs.SafeName;

/**
 * Checkpointing and resuming of a training job (the checkpoint settings of the job's
 * configuration; their defaults and help are declared in
 * {@link org.dptrain.driver.config.SettingTable}).
 *
 * @param dir the checkpoint directory: a URI on any Hadoop filesystem or a local path
 * @param every how often a checkpoint is taken
 * @param keepLast how many complete checkpoints are kept; older ones are deleted once a newer one
 *     is complete
 * @param resume null = start a new run (the directory must hold no checkpoint); {@value #LATEST} =
 *     continue from the newest good checkpoint (an error if there is none); {@value #IF_PRESENT} =
 *     the same, or start a new run when there is none (for cron); any other value names the
 *     checkpoint to continue from
 */
public record CheckpointSettings(String dir, CheckpointInterval every, int keepLast,
    String resume) {
  /** {@code --resume} alone: the newest good checkpoint, which must exist. */
  public static final String LATEST = "latest";
  /** {@code --resume if-present}: the newest good checkpoint, or a new run when there is none. */
  public static final String IF_PRESENT = "if-present";

  public CheckpointSettings {
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("--checkpoint-dir is empty");
    }
    if (resume != null) {
      checkResume("--resume", resume);
    }
    Objects.requireNonNull(every, "every");
    if (keepLast < 1) {
      throw new IllegalArgumentException("--keep-last must be at least 1, got " + keepLast);
    }
  }

  /** Whether the job continues from a checkpoint (or may, with {@value #IF_PRESENT}). */
  public boolean resuming() {
    return resume != null;
  }

  /**
   * Checks a {@code resume} value: {@value #LATEST}, {@value #IF_PRESENT} or a checkpoint name.
   *
   * @param name the setting as the user wrote it, for the message
   * @throws IllegalArgumentException naming {@code name} and the value
   */
  public static void checkResume(String name, String resume) {
    if (!resume.equals(LATEST) && !resume.equals(IF_PRESENT)) {
      SafeName.check(name, resume);
      if (!resume.matches("ckpt-[0-9]{9,}")) {
        throw new IllegalArgumentException(name + " '" + resume + "' must be " + LATEST + " (the"
            + " default), " + IF_PRESENT + ", or a checkpoint name such as ckpt-000001234");
      }
    }
  }
}
