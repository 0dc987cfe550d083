/**
 * The distributed training loop. {@link org.dptrain.driver.train.DistributedTrainer} alone owns
 * broadcast → per-partition work → ordered merge → optimizer step → destroy; everything it runs on
 * the executors is plain Java from the trainer module. Partial results are always merged in
 * partition order, never in task-completion order, so runs are bit-identical.
 */
package org.dptrain.driver.train;
