/**
 * Loss functions. Convention: a loss is a mean over the m examples of a mini-batch of a per-example
 * loss l_i &ge; 0; kernels return the SUM of l_i and the per-example derivative dl_i/dz of the output
 * layer, and the caller divides by m. Gradients point uphill: parameters move along -gradient.
 */
package org.dptrain.loss;
