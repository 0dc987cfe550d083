package org.dptrain.driver.config;

import org.dptrain.driver.eval.Metric;

/**
 * Early stopping ({@link SettingTable#EARLY_STOPPING}, {@link SettingTable#PATIENCE}).
 *
 * @param metric the validation metric to stop on, or null for no early stopping
 * @param patience epochs without improvement before stopping
 */
public record EarlyStoppingConfig(Metric metric, int patience) {
  /** Whether the run stops early. */
  public boolean enabled() {
    return metric != null;
  }
}
