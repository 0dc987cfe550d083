/**
 * Evaluation: metrics accumulated per partition in plain Java, merged in partition order on the
 * driver (so they are deterministic), and the distributed prediction pass that feeds them.
 * {@link org.dptrain.driver.eval.Metric} names the metrics: its task and whether larger is
 * better, for early stopping, the registry's promotion rule and the report.
 */
package org.dptrain.driver.eval;
