/**
 * The distributed training loop and the job around it.
 *
 * <p>{@link org.dptrain.driver.train.DistributedTrainer} owns the epochs, the resumable
 * {@link org.dptrain.driver.train.Position}s, the epoch reports and the listeners (validation and
 * early stopping, checkpoints, progress). Between two points where the driver holds the weights,
 * one class owns the synchronisation scheme: {@code DriverSync} ({@code --sync driver}: per
 * synchronisation broadcast → partition tasks → ordered merge → optimizer step on the driver →
 * destroy). The training loop's broadcasts go through {@code BroadcastJob}; evaluation
 * ({@code eval.Evaluator}) and batch prediction broadcast the model on their own.
 *
 * <p>What runs on the executors is plain Java from the trainer module, reached through
 * {@code PartitionWork}: a partition's partial has the same bits whichever task computes it.
 * Partial results are always merged in partition order ({@code OrderedMerge}), never in
 * task-completion order, so runs are bit-identical.
 */
package org.dptrain.driver.train;
