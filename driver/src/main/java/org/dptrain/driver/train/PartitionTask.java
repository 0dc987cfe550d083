package org.dptrain.driver.train;

import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.dptrain.data.Block;
import org.dptrain.network.NetworkSpec;

/**
 * The Spark side of one partition's work in one synchronisation of {@code --sync driver}: runs
 * the hook, takes the partition's block (an empty partition returns an empty result), builds its
 * {@link PartitionWork} and times what {@link #run} does with it. The broadcast the task reads is
 * fetched first ({@link #fetch}), outside the timing: on a cluster that fetch is network traffic
 * from the driver, not compute.
 */
abstract class PartitionTask
    implements Function2<Integer, Iterator<Block>, Iterator<PartitionResult>> {
  private static final long serialVersionUID = 1L;
  final NetworkSpec spec;
  final TrainConfig config;
  final int epoch;
  final int sync;
  final int steps;
  final int partitions;
  final TaskHook hook;

  PartitionTask(NetworkSpec spec, TrainConfig config, int epoch, int sync, EpochPlan plan,
      TaskHook hook) {
    this.spec = spec;
    this.config = config;
    this.epoch = epoch;
    this.sync = sync;
    this.steps = plan.steps();
    this.partitions = plan.partitions();
    this.hook = hook;
  }

  @Override
  public Iterator<PartitionResult> call(Integer p, Iterator<Block> it) throws Exception {
    TaskContext tc = TaskContext.get();
    hook.beforeTask(p, epoch, sync, tc == null ? 0 : tc.attemptNumber());
    Block b = single(it);
    if (b == null || b.size() == 0) {
      return Collections.singletonList(new PartitionResult(p, 0, 0.0, null, null, 0)).iterator();
    }
    fetch();
    long t0 = System.nanoTime();
    PartitionResult r = run(new PartitionWork(spec, config.seed(), epoch, p, partitions, steps, b));
    return Collections.singletonList(new PartitionResult(p, r.count(), r.lossSum(), r.vector(),
        r.optimizerState(), System.nanoTime() - t0, r.divergedStep(), r.divergence())).iterator();
  }

  /** Reads the broadcast {@link #run} uses (Spark fetches and deserialises it once per JVM). */
  abstract void fetch();

  /** The partition's work in this synchronisation. */
  abstract PartitionResult run(PartitionWork work);

  private static Block single(Iterator<Block> it) {
    if (!it.hasNext()) {
      return null;
    }
    Block b = it.next();
    if (it.hasNext()) {
      throw new IllegalStateException("a partition holds more than one block");
    }
    return b;
  }
}
