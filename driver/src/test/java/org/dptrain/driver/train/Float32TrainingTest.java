package org.dptrain.driver.train;

import static org.dptrain.driver.train.DistributedTrainerTest.SPEC;
import static org.dptrain.driver.train.DistributedTrainerTest.assertRelativelyClose;
import static org.dptrain.driver.train.DistributedTrainerTest.blobs;
import static org.dptrain.driver.train.DistributedTrainerTest.rdd;
import static org.dptrain.driver.train.DistributedTrainerTest.split;
import static org.dptrain.driver.train.DistributedTrainerTest.unionBatchSgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;
import org.dptrain.data.Precision;
import org.dptrain.network.Initializer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.train.ReferenceTrainer;
import org.junit.jupiter.api.Test;

/**
 * The distributed promises with float32 blocks, under both synchronisation schemes and with local
 * steps: one partition is the float32 reference trainer bit for bit, P partitions are float32
 * union-batch SGD to 1e-12, and the bits do not depend on the scheme or the task timing.
 */
class Float32TrainingTest {
  private static final long SEED = 11L;

  static List<Block> float32(List<Block> blocks) {
    List<Block> out = new ArrayList<>();
    for (Block b : blocks) {
      out.add(b.as(Precision.FLOAT32));
    }
    return out;
  }

  @Test
  void onePartitionIsTheFloat32ReferenceTrainerInEverySchemeAndWithLocalSteps() {
    Block data = blobs(203, 1).as(Precision.FLOAT32);
    JavaRDD<Block> one = rdd(List.of(data));
    OptimizerSpec adam = OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01);
    ReferenceTrainer.Result ref = ReferenceTrainer.train(SPEC, Initializer.initialize(SPEC, SEED),
        data, new ReferenceTrainer.Config(16, 3, SEED, adam));
    ReferenceTrainer.Result float64 = ReferenceTrainer.train(SPEC,
        Initializer.initialize(SPEC, SEED), data.as(Precision.FLOAT64),
        new ReferenceTrainer.Config(16, 3, SEED, adam));
    assertFalse(Arrays.equals(ref.weights(), float64.weights()), "float32 is its own trajectory");
    for (SyncMode sync : SyncMode.values()) {
      for (int k : new int[] {1, 4, 0}) {
        DistributedTrainer.Outcome out = AllreduceSyncTest.run(
            AllreduceSyncTest.config(adam, 16, 3, k, sync), one, TaskHook.NONE);
        String what = sync.id() + ", K = " + k;
        assertArrayEquals(ref.weights(), out.weights(), 0.0, what);
        // with K = 4 the epoch's loss is summed per synchronisation first (as in float64): the
        // weights are the same bits, the loss the same to round-off
        double tolerance = k == 4 ? 1e-12 : 0.0;
        for (int e = 0; e < 3; e++) {
          assertEquals(ref.epochLoss()[e], out.epochs().get(e).trainLoss(),
              tolerance * ref.epochLoss()[e], what);
        }
      }
    }
  }

  @Test
  void severalPartitionsAreFloat32UnionBatchSgdAndTheSameBitsWhateverTheSchemeAndTiming() {
    Block data = blobs(230, 21);
    int[] sizes = {80, 70, 80};
    List<Block> parts = float32(split(data, sizes));
    JavaRDD<Block> blocks = rdd(parts);
    OptimizerSpec momentum = OptimizerSpec.of(OptimizerSpec.Kind.MOMENTUM, 0.05);
    int batch = 24;
    int epochs = 2;
    DistributedTrainer.Outcome driver = AllreduceSyncTest.run(
        AllreduceSyncTest.config(momentum, batch, epochs, 1, SyncMode.DRIVER), blocks,
        TaskHook.NONE);

    // single-machine SGD whose batch at step t is the union of the partitions' slices
    double[] w = unionBatchSgd(parts, momentum, batch, epochs, SEED);
    assertRelativelyClose(w, driver.weights(), 1e-12);

    TaskHook jitter = (p, e, s, a) -> Thread.sleep(ThreadLocalRandom.current().nextInt(0, 10));
    for (int k : new int[] {1, 4}) {
      DistributedTrainer.Outcome a = AllreduceSyncTest.run(
          AllreduceSyncTest.config(momentum, batch, epochs, k, SyncMode.DRIVER), blocks,
          TaskHook.NONE);
      DistributedTrainer.Outcome b = AllreduceSyncTest.run(
          AllreduceSyncTest.config(momentum, batch, epochs, k, SyncMode.DRIVER), blocks, jitter);
      DistributedTrainer.Outcome c = AllreduceSyncTest.run(
          AllreduceSyncTest.config(momentum, batch, epochs, k, SyncMode.ALLREDUCE), blocks,
          jitter);
      AllreduceSyncTest.assertSameBits(a, b, "driver, K = " + k + ", with task jitter");
      AllreduceSyncTest.assertSameBits(a, c, "allreduce, K = " + k);
    }
  }
}
