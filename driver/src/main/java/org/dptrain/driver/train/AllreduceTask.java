package org.dptrain.driver.train;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.apache.spark.broadcast.Broadcast;
import org.dptrain.data.Block;
import org.dptrain.driver.collective.Collective;
import org.dptrain.driver.collective.GroupSpec;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import scala.Function1;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One barrier task of {@code --sync allreduce}: synchronisations [fromSync, toSync) of one epoch
 * over the task's contiguous range of partitions ({@link TaskGroups}), from the weights and
 * optimizer state the driver broadcast.
 *
 * <p>Per synchronisation, each of the task's partitions computes its partial separately ({@link
 * PartitionWork}, the code the driver mode runs), the tasks sum the partials in partition order
 * through {@link Collective#sumInOrder}, and every task applies the same update to its own copy
 * of the weights and optimizer ({@link GradientStep}). The operations are the driver mode's, in
 * its order: a synchronous step sums the gradient sums, then [loss | count], each starting from
 * the first non-empty partial; a local-steps average sums count-weighted [parameters | optimizer state | loss] from a
 * zero vector (which task 0 puts first), with a last element that flags a diverged partition so
 * that every task stops at the same synchronisation.
 *
 * <p>Peers find each other through {@link BarrierTaskContext#getTaskInfos()} (hosts) and one
 * {@code allGather} of "host:port" strings; gradients never go through Spark.
 */
final class AllreduceTask implements Function1<Iterator<Block>, Iterator<StageResult>>,
    Serializable {
  private static final long serialVersionUID = 1L;

  /** What the stage does; the same closure for every task of the stage. */
  private final TrainConfig config;
  private final EpochPlan plan;
  private final TaskGroups groups;
  private final int epoch;
  private final int fromSync;
  private final int toSync;
  private final Broadcast<double[]> start;
  private final long optimizerSteps;
  private final double lossSum;
  private final long examples;
  private final GroupSecret secret;
  private final boolean encrypt;
  private final Duration timeout;
  private final TaskHook hook;
  private final int attempt;
  private final boolean checkReplicas;

  /**
   * @param start parameters then optimizer state at the start of {@code fromSync}
   * @param optimizerSteps the optimizer's step count then
   * @param lossSum the epoch's loss sum then, carried on step by step as the driver mode does
   * @param examples the epoch's examples then
   * @param attempt the driver's attempt number of this stage, passed to the hook
   * @param checkReplicas compare every task's weights after every synchronisation (tests)
   */
  AllreduceTask(TrainConfig config, EpochPlan plan, TaskGroups groups, int epoch, int fromSync,
      int toSync, Broadcast<double[]> start, long optimizerSteps, double lossSum, long examples,
      GroupSecret secret, boolean encrypt, Duration timeout, TaskHook hook, int attempt,
      boolean checkReplicas) {
    this.config = config;
    this.plan = plan;
    this.groups = groups;
    this.epoch = epoch;
    this.fromSync = fromSync;
    this.toSync = toSync;
    this.start = start;
    this.optimizerSteps = optimizerSteps;
    this.lossSum = lossSum;
    this.examples = examples;
    this.secret = secret;
    this.encrypt = encrypt;
    this.timeout = timeout;
    this.hook = hook;
    this.attempt = attempt;
    this.checkReplicas = checkReplicas;
  }

  @Override
  public Iterator<StageResult> apply(Iterator<Block> input) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    int rank = ctx.partitionId();
    List<PartitionWork> works = new ArrayList<>();
    NetworkSpec spec = config.spec();
    for (int p = groups.first(rank); p < groups.end(rank); p++) {
      if (!input.hasNext()) {
        throw new IllegalStateException(groups.label(rank) + " is missing the block of partition "
            + p);
      }
      works.add(new PartitionWork(spec, config.seed(), epoch, p, plan.partitions(), plan.steps(),
          input.next()));
    }
    if (input.hasNext()) {
      throw new IllegalStateException(groups.label(rank) + " got more blocks than partitions");
    }
    double[] packed = start.value();
    int n = spec.numParams();
    double[] w = Arrays.copyOf(packed, n);
    Optimizer optimizer = new Optimizer(config.optimizer(), n);
    optimizer.restore(Arrays.copyOfRange(packed, n, packed.length), optimizerSteps);
    try (Collective group = join(ctx, rank); KillWatch watch = new KillWatch(ctx, group)) {
      Steps steps = new Steps(group, works, w, optimizer);
      StageResult r = steps.run();
      return CollectionConverters.asScala(List.of(r).iterator());
    } catch (IOException e) {
      throw new UncheckedIOException(groups.label(rank) + " could not join its allreduce group: "
          + e.getMessage(), e);
    }
  }

  /** Binds, tells the others "host:port" through one allGather, connects the ring. */
  private Collective join(BarrierTaskContext ctx, int rank) throws IOException {
    BarrierTaskInfo[] infos = ctx.getTaskInfos();
    InetAddress bind = InetAddress.getByName(host(infos[rank].address()));
    GroupSpec spec = new GroupSpec(groups.tasks(), secret.key(), encrypt, timeout);
    Collective.Pending pending = Collective.listen(rank, spec, bind);
    try {
      String[] all = ctx.allGather(bind.getHostAddress() + ":" + pending.address().getPort());
      List<InetSocketAddress> members = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (int t = 0; t < all.length; t++) {
        int colon = all[t].lastIndexOf(':');
        String host = all[t].substring(0, colon);
        members.add(new InetSocketAddress(InetAddress.getByName(host),
            Integer.parseInt(all[t].substring(colon + 1))));
        labels.add(groups.label(t) + " on " + host(infos[t].address()));
      }
      return pending.connect(members, labels);
    } catch (IOException | RuntimeException e) {
      pending.close();
      throw e;
    }
  }

  /**
   * Closes the group when Spark kills the task (another task of the stage failed): a task
   * blocked in the collective then ends at once instead of after the peer timeout.
   */
  private static final class KillWatch implements AutoCloseable {
    private final Thread thread;
    private volatile boolean done;

    KillWatch(BarrierTaskContext ctx, Collective group) {
      thread = new Thread(() -> {
        while (!done) {
          if (ctx.isInterrupted()) {
            group.close();
            return;
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "dptrain-allreduce-killwatch-" + ctx.partitionId());
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      done = true;
      thread.interrupt();
    }
  }

  /** The host of a task's address, "host" or "host:port" (IPv6 literals as Spark writes them). */
  static String host(String address) {
    int colon = address.lastIndexOf(':');
    if (colon > 0 && colon < address.length() - 1
        && address.substring(colon + 1).chars().allMatch(Character::isDigit)
        && address.indexOf(':') == colon) {
      return address.substring(0, colon);
    }
    if (address.startsWith("[") && address.contains("]")) {
      return address.substring(1, address.indexOf(']'));
    }
    return address;
  }

  /** The stage's loop on one task: its state and the buffers it reuses. */
  private final class Steps {
    private final Collective group;
    private final List<PartitionWork> works;
    private final double[] w;
    private final Optimizer optimizer;
    private final int rank;
    private double loss = lossSum;
    private long count = examples;
    private long computeNanos;
    private long collectiveNanos;

    Steps(Collective group, List<PartitionWork> works, double[] w, Optimizer optimizer) {
      this.group = group;
      this.works = works;
      this.w = w;
      this.optimizer = optimizer;
      this.rank = group.rank();
    }

    StageResult run() throws IOException {
      StageResult diverged = plan.stepsPerSync() == 1 ? synchronousSteps() : localSteps();
      if (diverged != null) {
        return diverged;
      }
      return rank == 0
          ? result(w, optimizer.state(), 0, 0, -1, null)
          : result(null, null, 0, 0, -1, null);
    }

    /**
     * K = 1: per step, Σ in partition order of the gradient sums, then of [loss | count] (two
     * sums, so that the partials go out as they are, without a copy), then the update.
     */
    private StageResult synchronousSteps() throws IOException {
      int n = w.length;
      double[] sum = new double[n];
      double[] lossAndCount = new double[2];
      double[] g = new double[n];
      List<double[]> counts = new ArrayList<>();
      for (int i = 0; i < works.size(); i++) {
        counts.add(new double[2]);
      }
      List<double[]> parts = new ArrayList<>();
      List<double[]> tallies = new ArrayList<>();
      for (int t = fromSync; t < toSync; t++) {
        beforeSync(t);
        long c0 = System.nanoTime();
        parts.clear();
        tallies.clear();
        for (int i = 0; i < works.size(); i++) {
          GradientAccumulator acc = works.get(i).gradient(w, t);
          if (acc.count() == 0) {
            // skipped, as the driver's merge skips empty partials
            parts.add(null);
            tallies.add(null);
            continue;
          }
          double[] c = counts.get(i);
          c[0] = acc.lossSum();
          c[1] = acc.count();
          parts.add(acc.gradientSum());
          tallies.add(c);
        }
        long c1 = System.nanoTime();
        group.sumInOrder(parts, sum);
        group.sumInOrder(tallies, lossAndCount);
        long c2 = System.nanoTime();
        long stepCount = (long) lossAndCount[1];
        try {
          GradientStep.apply(new GradientAccumulator(config.spec(), 1, sum, lossAndCount[0],
              stepCount), g, w, optimizer, epoch, t);
        } catch (TrainingDivergedException e) {
          // every task merged the same step and sees the same divergence
          return result(null, null, e.step(), e.optimizerStep(), -1, e.reason());
        }
        loss += lossAndCount[0];
        count += stepCount;
        computeNanos += (c1 - c0) + (System.nanoTime() - c2);
        collectiveNanos += c2 - c1;
        checkReplicas(t);
      }
      return null;
    }

    /** K &gt; 1: per synchronisation, local steps per partition, then the weighted average. */
    private StageResult localSteps() throws IOException {
      int n = w.length;
      int m = optimizer.state().length;
      int flag = n + m + 1;
      double[] zero = new double[n + m + 2];
      double[] mean = new double[n + m + 2];
      List<double[]> parts = new ArrayList<>();
      for (int s = fromSync; s < toSync; s++) {
        beforeSync(s);
        long c0 = System.nanoTime();
        int first = plan.firstStep(s);
        int last = plan.lastStep(s);
        long total = plan.examples(s);
        double[] state = optimizer.state();
        parts.clear();
        if (rank == 0) {
          // the driver's average starts from zeros
          parts.add(zero);
        }
        PartitionResult firstBad = null;
        for (PartitionWork work : works) {
          Optimizer local = new Optimizer(config.optimizer(), n);
          local.restore(state, optimizer.stepCount());
          PartitionResult r = work.localSteps(w.clone(), local, first, last);
          if (r.divergence() != null) {
            firstBad = firstBad == null || r.divergedStep() < firstBad.divergedStep() ? r
                : firstBad;
            double[] v = new double[n + m + 2];
            v[flag] = 1.0;
            parts.add(v);
          } else if (r.count() == 0) {
            parts.add(null);
          } else {
            parts.add(weighted(r, (double) r.count() / total, n, m));
          }
        }
        long c1 = System.nanoTime();
        group.sumInOrder(parts, mean);
        long c2 = System.nanoTime();
        if (mean[flag] != 0.0) {
          if (firstBad == null) {
            return result(null, null, 0, 0, -1, null);
          }
          int t = firstBad.divergedStep();
          return result(null, null, t + 1, optimizer.stepCount() + (t - first) + 1,
              firstBad.partition(), "on partition " + firstBad.partition() + ", "
                  + firstBad.divergence());
        }
        loss += mean[n + m];
        count += total;
        if (total > 0) {
          System.arraycopy(mean, 0, w, 0, n);
          optimizer.restore(Arrays.copyOfRange(mean, n, n + m),
              optimizer.stepCount() + (last - first));
        }
        computeNanos += (c1 - c0) + (System.nanoTime() - c2);
        collectiveNanos += c2 - c1;
        checkReplicas(s);
      }
      return null;
    }

    private void beforeSync(int s) {
      for (PartitionWork work : works) {
        try {
          hook.beforeTask(work.partition(), epoch, s, attempt);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }

    /**
     * Test mode: every task's weights, optimizer state and step count hash to one value, or the
     * stage fails naming the task and the synchronisation.
     */
    private void checkReplicas(int s) {
      if (!checkReplicas) {
        return;
      }
      long h = hash(w, optimizer.state(), optimizer.stepCount());
      int size = group.size();
      double[] mine = new double[2 * size];
      // two exact 32-bit halves per task: a sum of one non-zero value and zeros is exact
      mine[2 * rank] = h >>> 32;
      mine[2 * rank + 1] = h & 0xffffffffL;
      double[] all = new double[2 * size];
      group.sumInOrder(List.of(mine), all);
      for (int t = 0; t < size; t++) {
        if (all[2 * t] != all[0] || all[2 * t + 1] != all[1]) {
          throw new IllegalStateException(groups.label(t) + " holds other weights than "
              + groups.label(0) + " after synchronisation " + (s + 1) + " of epoch "
              + (epoch + 1));
        }
      }
    }

    private StageResult result(double[] weights, double[] state, int divergedStep,
        long divergedOptimizerStep, int divergedPartition, String divergence) {
      return new StageResult(rank, loss, count, optimizer.stepCount(), weights, state,
          computeNanos, collectiveNanos, group.bytesSent(), group.bytesReceived(), divergedStep,
          divergedOptimizerStep, divergedPartition, divergence);
    }
  }

  /** [f·w | f·state | loss | 0], as the driver's average adds them. */
  private static double[] weighted(PartitionResult r, double f, int n, int m) {
    double[] v = new double[n + m + 2];
    double[] p = r.vector();
    for (int i = 0; i < n; i++) {
      v[i] = f * p[i];
    }
    double[] s = r.optimizerState();
    for (int i = 0; i < m; i++) {
      v[n + i] = f * s[i];
    }
    v[n + m] = r.lossSum();
    return v;
  }

  /** FNV-style hash of the bit patterns. */
  static long hash(double[] w, double[] state, long steps) {
    long h = 0xcbf29ce484222325L ^ steps;
    for (double v : w) {
      h = (h ^ Double.doubleToRawLongBits(v)) * 0x100000001b3L;
    }
    for (double v : state) {
      h = (h ^ Double.doubleToRawLongBits(v)) * 0x100000001b3L;
    }
    return h;
  }
}
