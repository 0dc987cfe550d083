package org.dptrain.driver.eval;

import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dptrain.data.Block;
import org.dptrain.driver.data.TaskType;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;

/** Metrics of a network over cached blocks: forward passes on the executors (in the blocks'
 *  precision), sums merged in partition order on the driver. */
public final class Evaluator {
  /** Examples per forward pass during evaluation. */
  public static final int CHUNK = 512;

  private Evaluator() {}

  /**
   * Evaluates {@code weights} on every example of {@code blocks}.
   *
   * @throws IllegalStateException when the blocks hold no example
   */
  public static Metrics evaluate(JavaSparkContext sc, JavaRDD<Block> blocks, NetworkSpec spec,
      double[] weights, TaskType type) {
    Broadcast<double[]> bw = sc.broadcast(weights);
    try {
      int k = spec.outputSize();
      List<MetricsAccumulator> parts = blocks.mapPartitions(it -> {
        MetricsAccumulator acc = new MetricsAccumulator(type, k);
        Network net = new Network(spec);
        Workspace ws = null;
        while (it.hasNext()) {
          Block b = it.next();
          if (b.size() == 0) {
            continue;
          }
          if (ws == null) {
            ws = Workspace.forBlock(spec, Math.min(CHUNK, b.size()), b);
          }
          for (int start = 0; start < b.size(); start += ws.capacity()) {
            int end = Math.min(b.size(), start + ws.capacity());
            net.gather(b, null, start, end, ws);
            net.forward(bw.value(), ws, end - start);
            acc.add(ws.a(spec.depth()), ws.target(), end - start);
          }
        }
        return Collections.singletonList(acc).iterator();
      }, true).collect();
      MetricsAccumulator total = new MetricsAccumulator(type, k);
      for (MetricsAccumulator p : parts) {
        total.merge(p);
      }
      return total.result();
    } finally {
      bw.destroy();
    }
  }
}
