/**
 * The distributed training loop and the job around it.
 *
 * <p>{@link org.dptrain.driver.train.DistributedTrainer} owns the epochs, the resumable
 * {@link org.dptrain.driver.train.Position}s, the epoch reports and the listeners (validation and
 * early stopping, checkpoints, progress). Between two points where the driver holds the weights,
 * one class owns each synchronisation scheme ({@link org.dptrain.driver.train.SyncMode}):
 * <ul>
 *   <li>{@code DriverSync} ({@code --sync driver}): per synchronisation, broadcast → partition
 *       tasks → ordered merge on the driver → optimizer step on the driver → destroy;</li>
 *   <li>{@code AllreduceSync} ({@code --sync allreduce}): one barrier stage for many
 *       synchronisations, whose tasks ({@code AllreduceTask}, each owning a contiguous range of
 *       partitions, {@code TaskGroups}) sum their partials in partition order through
 *       {@link org.dptrain.driver.collective.Collective} and each apply the same update; the
 *       stage ends at the epoch's end or where a listener wants the weights.</li>
 * </ul>
 * The training loop's broadcasts go through {@code BroadcastJob}; evaluation
 * ({@code eval.Evaluator}) and batch prediction broadcast the model on their own.
 *
 * <p>What runs on the executors is plain Java from the trainer module, reached through
 * {@code PartitionWork} and {@code GradientStep}: a partition's partial, and an update, have the
 * same bits whichever scheme and task compute them. Partial results are always summed in
 * partition order ({@code OrderedMerge} on the driver, {@code Collective.sumInOrder} among barrier
 * tasks), never in task-completion order, so runs are bit-identical, and the two schemes give the
 * same bits (the driver's at aggregation depth 1).
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
