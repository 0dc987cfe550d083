package org.dptrain.driver.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dptrain.train.BatchPlan;

/**
 * Executor-side cache of the epoch permutations of {@link BatchPlan}, so that the steps of an
 * epoch do not redraw the same permutation. Bounded; the values are never modified.
 */
final class PermutationCache {
  private static final int CAPACITY = 16;

  private record Key(long seed, int epoch, int partition, int n) {}

  private static final Map<Key, int[]> CACHE = new LinkedHashMap<>(32, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, int[]> eldest) {
      return size() > CAPACITY;
    }
  };

  private PermutationCache() {}

  static int[] get(long seed, int epoch, int partition, int n) {
    Key key = new Key(seed, epoch, partition, n);
    synchronized (CACHE) {
      int[] order = CACHE.get(key);
      if (order == null) {
        order = BatchPlan.permutation(seed, epoch, partition, n);
        CACHE.put(key, order);
      }
      return order;
    }
  }
}
