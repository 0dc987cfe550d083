/**
 * Checkpoints of a training run on any Hadoop filesystem, and resuming from them.
 *
 * <p>A checkpoint directory ({@code --checkpoint-dir}) holds complete checkpoints named after the
 * global step they were taken at, {@code ckpt-000001234}, and a {@code latest} marker naming the
 * newest one, replaced last. Each checkpoint is written into a hidden staging directory and renamed
 * into place ({@link org.dptrain.driver.fs.HadoopFiles#writeDirectory}), so a reader sees all of it
 * or nothing. Inside: {@code model.json} + {@code weights.bin} (the model format), {@code
 * optimizer.bin} (the optimizer state, little-endian float64), {@code best-weights.bin} when early
 * stopping has a best epoch, {@code state.json} (counters, random-number positions, partial-epoch
 * accumulators, early-stopping state, the epoch records so far, effective configuration: bound to
 * the trainer's {@code RunState} record) and, written last,
 * {@code manifest.json} with the size and SHA-256 of every other file.
 *
 * <p>Conventions: only JSON (through {@link org.dptrain.json.BoundedJson}: nesting, size, no key
 * twice) and raw little-endian doubles ({@link org.dptrain.model.Float64Codec}) are read back,
 * never Java or Kryo objects; no file is read past the size its manifest records. A checkpoint that fails any check (missing file, size, SHA-256, JSON) is skipped with a
 * WARN line naming it and why, in favour of the previous good one. No checkpoint of a diverged
 * (non-finite) state is ever written.
 */
package org.dptrain.driver.checkpoint;
