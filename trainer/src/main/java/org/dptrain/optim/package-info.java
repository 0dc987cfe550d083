/**
 * Optimizers and learning-rate schedules. An {@link org.dptrain.optim.OptimizerSpec} is the
 * immutable configuration; an {@link org.dptrain.optim.Optimizer} holds the state (one flat array,
 * so it can be checkpointed and averaged like the parameters) and applies w ← w - lr·update(g),
 * g being the gradient of the loss.
 */
package org.dptrain.optim;
