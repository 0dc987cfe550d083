package org.dptrain.driver.train;

import static org.dptrain.driver.train.AllreduceSyncTest.assertSameBits;
import static org.dptrain.driver.train.AllreduceSyncTest.trainer;
import static org.dptrain.driver.train.DistributedTrainerTest.SPEC;
import static org.dptrain.driver.train.DistributedTrainerTest.blobs;
import static org.dptrain.driver.train.DistributedTrainerTest.rdd;
import static org.dptrain.driver.train.DistributedTrainerTest.split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.network.Initializer;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.junit.jupiter.api.Test;

/**
 * Post-local SGD ({@code --synchronous-epochs N}): the first N epochs are synchronous SGD, the
 * rest local steps, and every promise holds across the switch: the run is exactly "K = 1, then K"
 * continued from the same weights and optimizer, both sync modes give the same bits, runs repeat
 * bit for bit, and a resume before, at or after the switch gives the uninterrupted bits.
 */
class PostLocalSgdTest {
  private static final long SEED = 11L;
  private static final OptimizerSpec ADAM = OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01);

  private static TrainConfig config(int localSteps, int synchronousEpochs, SyncMode sync) {
    return new TrainConfig(SPEC, ADAM, 20, 3, SEED, localSteps, synchronousEpochs, 1, sync);
  }

  private static JavaRDD<Block> blocks() {
    return rdd(split(blobs(200, 8), 50, 50, 50, 50));
  }

  private static DistributedTrainer.Outcome run(TrainConfig cfg, JavaRDD<Block> blocks,
      TaskHook hook) {
    return trainer(cfg, hook).train(blocks, Initializer.initialize(SPEC, SEED),
        new Optimizer(cfg.optimizer(), SPEC.numParams()), 0, (r, w, o) -> false);
  }

  @Test
  void theFirstEpochsAreSynchronousSgdThenLocalStepsContinueFromTheirState() {
    JavaRDD<Block> blocks = blocks();
    // by hand: one epoch of K = 1 (stopped after it), then epochs 2-3 of K = 4 from its state
    DistributedTrainer.Outcome first = trainer(config(1, 0, SyncMode.DRIVER), TaskHook.NONE)
        .train(blocks, Initializer.initialize(SPEC, SEED), new Optimizer(ADAM, SPEC.numParams()),
            0, (r, w, o) -> r.epoch() == 1);
    assertEquals(1, first.epochs().size());
    DistributedTrainer.Outcome rest = trainer(config(4, 0, SyncMode.DRIVER), TaskHook.NONE)
        .train(blocks, first.weights(), first.optimizer(), 1, (r, w, o) -> false);
    for (SyncMode mode : SyncMode.values()) {
      DistributedTrainer.Outcome post = run(config(4, 1, mode), blocks, TaskHook.NONE);
      assertArrayEquals(rest.weights(), post.weights(), 0.0, mode.toString());
      assertArrayEquals(rest.optimizer().state(), post.optimizer().state(), 0.0,
          mode.toString());
      assertEquals(List.of(10, 3, 3), post.epochs().stream().map(EpochReport::syncs).toList(),
          mode + ": 10 synchronisations of one step, then 3 of up to 4");
      assertEquals(first.epochs().get(0).trainLoss(), post.epochs().get(0).trainLoss(), 0.0);
      assertEquals(rest.epochs().get(1).trainLoss(), post.epochs().get(2).trainLoss(), 0.0);
    }
    // as many synchronous epochs as epochs, or more: synchronous SGD throughout
    DistributedTrainer.Outcome sync = run(config(1, 0, SyncMode.ALLREDUCE), blocks,
        TaskHook.NONE);
    assertSameBits(sync, run(config(4, 3, SyncMode.ALLREDUCE), blocks, TaskHook.NONE), "N = 3");
    assertSameBits(sync, run(config(0, 7, SyncMode.DRIVER), blocks, TaskHook.NONE), "N = 7");
  }

  @Test
  void bothSyncModesAndRepeatedRunsGiveTheSameBits() {
    JavaRDD<Block> blocks = blocks();
    TaskHook jitter = (p, e, s, a) -> Thread.sleep(ThreadLocalRandom.current().nextInt(0, 5));
    DistributedTrainer.Outcome driver = run(config(0, 2, SyncMode.DRIVER), blocks, jitter);
    assertSameBits(driver, run(config(0, 2, SyncMode.ALLREDUCE), blocks, jitter),
        "driver against allreduce, K = epoch after 2 synchronous epochs");
    assertSameBits(driver, run(config(0, 2, SyncMode.ALLREDUCE), blocks, jitter),
        "a second allreduce run");
  }

  @Test
  void resumingBeforeAtOrAfterTheSwitchGivesTheUninterruptedBits() {
    JavaRDD<Block> blocks = blocks();
    for (SyncMode mode : SyncMode.values()) {
      TrainConfig cfg = config(3, 1, mode);
      DistributedTrainer.Outcome straight = run(cfg, blocks, TaskHook.NONE);
      // inside the synchronous epoch (step 5 of 10), at the switch, inside the first local epoch
      for (int[] at : new int[][] {{0, 5}, {1, 0}, {1, 2}}) {
        String what = mode + ", resumed at epoch " + (at[0] + 1) + " synchronisation " + at[1];
        List<Position> seen = new ArrayList<>();
        double[][] saved = new double[2][];
        long[] steps = new long[1];
        DistributedTrainer.SyncListener listener = new DistributedTrainer.SyncListener() {
          @Override
          public void afterSync(Position p, double[] w, Optimizer o) {
            if (p.epoch() == at[0] && p.sync() == at[1]) {
              seen.add(p);
              saved[0] = w.clone();
              saved[1] = o.state();
              steps[0] = o.stepCount();
            }
          }

          @Override
          public boolean wants(Position next) {
            return next.epoch() == at[0] && next.sync() == at[1];
          }
        };
        DistributedTrainer.Outcome watched = trainer(cfg, TaskHook.NONE)
            .withSyncListener(listener).train(blocks, Initializer.initialize(SPEC, SEED),
                new Optimizer(ADAM, SPEC.numParams()), 0, (r, w, o) -> false);
        assertSameBits(straight, watched, what + " (the watched run)");
        assertEquals(1, seen.size(), what);
        assertEquals(at[0] == 0 ? 10 : 4, seen.get(0).syncsPerEpoch(), what);
        Optimizer restored = new Optimizer(ADAM, SPEC.numParams());
        restored.restore(saved[1], steps[0]);
        DistributedTrainer.Outcome resumed = trainer(cfg, TaskHook.NONE).train(blocks, saved[0],
            restored, seen.get(0), (r, w, o) -> false);
        assertArrayEquals(straight.weights(), resumed.weights(), 0.0, what);
        assertArrayEquals(straight.optimizer().state(), resumed.optimizer().state(), 0.0, what);
        assertEquals(straight.epochs().get(2).trainLoss(),
            resumed.epochs().get(resumed.epochs().size() - 1).trainLoss(), 0.0, what);
      }
      // a mid-epoch position of the synchronous epoch does not fit a run without it
      List<Position> seen = new ArrayList<>();
      trainer(cfg, TaskHook.NONE).withSyncListener(new DistributedTrainer.SyncListener() {
        @Override
        public void afterSync(Position p, double[] w, Optimizer o) {
          if (p.epoch() == 0 && p.sync() == 5) {
            seen.add(p);
          }
        }

        @Override
        public boolean wants(Position next) {
          return next.epoch() == 0 && next.sync() == 5;
        }
      }).train(blocks, Initializer.initialize(SPEC, SEED), new Optimizer(ADAM,
          SPEC.numParams()), 0, (r, w, o) -> r.epoch() == 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> trainer(config(3, 0, mode), TaskHook.NONE).train(blocks,
              Initializer.initialize(SPEC, SEED), new Optimizer(ADAM, SPEC.numParams()),
              seen.get(0), (r, w, o) -> false));
      assertTrue(e.getMessage().startsWith("cannot resume inside epoch 1: it was started with 10"
          + " steps in 10 synchronisations per epoch"), e.getMessage());
    }
  }

  @Test
  void theSettingIsCheckedAndShapesTheTrajectory() {
    assertTrue(SettingTable.SYNCHRONOUS_EPOCHS.trajectory(),
        "a resume must match it: it changes the weights");
    assertEquals(0, SettingTable.SYNCHRONOUS_EPOCHS.defaultValue());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> config(4, -1, SyncMode.DRIVER));
    assertEquals("synchronous epochs must be 0 or more, got -1", e.getMessage());
    TrainConfig c = config(8, 2, SyncMode.ALLREDUCE);
    assertEquals(List.of(1, 1, 8, 8), List.of(c.localStepsIn(0), c.localStepsIn(1),
        c.localStepsIn(2), c.localStepsIn(3)));
    assertEquals(c, c.withSync(SyncMode.DRIVER).withSync(SyncMode.ALLREDUCE));
  }
}
