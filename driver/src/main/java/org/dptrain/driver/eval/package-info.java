/**
 * Evaluation: metrics accumulated per partition in plain Java, merged in partition order on the
 * driver (so they are deterministic), and the distributed prediction pass that feeds them.
 */
package org.dptrain.driver.eval;
