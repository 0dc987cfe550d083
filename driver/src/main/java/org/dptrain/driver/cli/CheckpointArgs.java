package org.dptrain.driver.cli;

import org.dptrain.driver.checkpoint.CheckpointInterval;
import org.dptrain.driver.checkpoint.CheckpointSettings;
import picocli.CommandLine.Option;

/** Checkpoint and resume options of {@code train}. */
final class CheckpointArgs {
  @Option(names = "--checkpoint-dir", paramLabel = "URI",
      description = "Write checkpoints here (any Hadoop filesystem: file://, hdfs://, s3a://; a"
          + " plain path is local). A run that finishes removes its checkpoints")
  String dir;

  @Option(names = "--checkpoint-every", paramLabel = "N[epochs|steps]",
      defaultValue = CheckpointSettings.DEFAULT_EVERY,
      description = "Checkpoint every N epochs (N or Nepochs) or every N optimizer steps"
          + " (Nsteps). With --local-steps K > 1 the weights exist only at synchronisations: a"
          + " step checkpoint is taken at the first one at or after the step"
          + " (default: ${DEFAULT-VALUE})")
  String every;

  @Option(names = "--keep-last", paramLabel = "N",
      defaultValue = "" + CheckpointSettings.DEFAULT_KEEP_LAST,
      description = "Complete checkpoints to keep; older ones are deleted once a newer one is"
          + " complete (default: ${DEFAULT-VALUE})")
  int keepLast;

  @Option(names = "--resume", paramLabel = "WHICH", arity = "0..1",
      fallbackValue = CheckpointSettings.LATEST,
      description = "Continue from the newest good checkpoint in --checkpoint-dir with the same"
          + " settings (an error if there is none); '--resume if-present' starts a new run when"
          + " there is none (for cron); '--resume ckpt-NNNNNNNNN' names the checkpoint")
  String resume;

  /**
   * The settings, or null without --checkpoint-dir.
   *
   * @throws IllegalArgumentException for --resume without --checkpoint-dir or a bad value
   */
  CheckpointSettings settings() {
    if (dir == null) {
      if (resume != null) {
        throw new IllegalArgumentException("--resume needs --checkpoint-dir, the directory of the"
            + " checkpoints to resume from");
      }
      return null;
    }
    return new CheckpointSettings(dir, CheckpointInterval.parse(every), keepLast, resume);
  }
}
