/**
 * The distributed training loop. {@link org.dptrain.driver.train.DistributedTrainer} alone owns
 * broadcast → per-partition work → ordered merge → optimizer step → destroy; everything it runs on
 * the executors is plain Java from the trainer module. Partial results are always merged in
 * partition order, never in task-completion order, so runs are bit-identical.
 *
 * <p>A run of {@code dptrain train} is {@link org.dptrain.driver.train.TrainingJob}, a straight
 * line over classes that each do one job: the configuration ({@code driver.config}), the data, the
 * resume point and checkpoints ({@link org.dptrain.driver.train.RunCheckpoint}, whose state.json is
 * a {@link org.dptrain.driver.train.RunState}), the training loop with
 * {@link org.dptrain.driver.train.EpochHistory} after each epoch (validation, progress line,
 * {@link org.dptrain.driver.train.MetricsLog}, {@link org.dptrain.driver.train.EarlyStopping}), and
 * the run directory ({@link org.dptrain.driver.train.RunDirectory},
 * {@link org.dptrain.driver.train.Provenance}). {@link org.dptrain.driver.train.EpochRecord} is the
 * one epoch-record format: metrics.jsonl, checkpoints and the report read and write it.
 */
package org.dptrain.driver.train;
