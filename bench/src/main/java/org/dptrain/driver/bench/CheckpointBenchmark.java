package org.dptrain.driver.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.dptrain.driver.checkpoint.CheckpointState;
import org.dptrain.driver.checkpoint.CheckpointStore;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.driver.train.Finite;
import org.dptrain.model.Float64Codec;
import org.dptrain.model.Model;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;

/**
 * What checkpoints and the divergence guard cost for 784-256-128-10 (235,146 parameters) with
 * Adam (two state vectors): median milliseconds of writing a checkpoint (encode, SHA-256 of every
 * file, staging directory renamed into place, marker replaced, pruning), of reading and verifying
 * it, and of the per-step finiteness check of the driver (loss, gradient, updated weights).
 * Usage: {@code CheckpointBenchmark [--dir URI] [--writes 20] [--checks 2000]}; the default
 * directory is a fresh one under java.io.tmpdir, deleted at the end.
 */
public final class CheckpointBenchmark {
  private CheckpointBenchmark() {}

  public static void main(String[] args) throws Exception {
    String dir = null;
    int writes = 20;
    int checks = 2000;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> dir = args[i + 1];
        case "--writes" -> writes = Integer.parseInt(args[i + 1]);
        case "--checks" -> checks = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; usage: CheckpointBenchmark [--dir URI] [--writes 20] [--checks 2000]");
      }
    }
    boolean temporary = dir == null;
    if (temporary) {
      dir = Files.createTempDirectory("dptrain-ckpt-bench").toString();
    }
    NetworkSpec spec = NetworkSpec.of(new int[] {784, 256, 128, 10},
        List.of("relu", "relu", "softmax"), "cross_entropy");
    int n = spec.numParams();
    double[] w = Initializer.initialize(spec, 7L);
    double[] g = new double[n];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < n; i++) {
      g[i] = rnd.nextGaussian() * 1e-3;
    }
    Optimizer adam = new Optimizer(OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 1e-3), n);
    for (int i = 0; i < 3; i++) {
      adam.step(w, g.clone());
    }

    // the driver's per-step check: loss and gradient, then the updated weights
    double[] checkMs = new double[checks];
    int sink = 0;
    for (int i = 0; i < checks; i++) {
      long t0 = System.nanoTime();
      sink += Finite.check(1.25, g) == null ? 1 : 0;
      sink += Float64Codec.allFinite(w) ? 1 : 0;
      checkMs[i] = (System.nanoTime() - t0) / 1e6;
    }

    HadoopFiles fs = new HadoopFiles(new Configuration());
    CheckpointStore store = new CheckpointStore(fs, dir, 3);
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.put("benchmark", true);
    double[] writeMs = new double[writes];
    double[] readMs = new double[writes];
    long bytes = 0;
    for (int i = 0; i < writes; i++) {
      CheckpointState s = new CheckpointState(1000L * (i + 1), new Model(spec, w), adam.state(),
          null, state);
      long t0 = System.nanoTime();
      String name = store.write(s);
      long t1 = System.nanoTime();
      store.read(name);
      long t2 = System.nanoTime();
      writeMs[i] = (t1 - t0) / 1e6;
      readMs[i] = (t2 - t1) / 1e6;
      if (i == 0) {
        for (FileStatus f : fs.list(new Path(store.root(), name))) {
          bytes += f.getLen();
        }
      }
    }
    if (temporary) {
      fs.delete(fs.path(dir));
    }
    System.out.printf(Locale.ROOT, "784-256-128-10, %d parameters, Adam%n", n);
    System.out.printf(Locale.ROOT, "divergence check per step (loss, gradient, weights): median"
        + " %.3f ms (of %d; %d)%n", median(checkMs), checks, sink);
    System.out.printf(Locale.ROOT, "checkpoint write: median %.1f ms, %d bytes (of %d writes to"
        + " %s)%n", median(writeMs), bytes, writes, store.root());
    System.out.printf(Locale.ROOT, "checkpoint read and verify: median %.1f ms%n",
        median(readMs));
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
