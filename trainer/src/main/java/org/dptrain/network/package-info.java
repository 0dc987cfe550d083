/**
 * Network topology and the forward/backward kernels.
 *
 * <p>Conventions: a network is {@code layers = [n_0, n_1, ..., n_L]} with one activation per
 * non-input layer; layer l computes z_l = W_l a_{l-1} + b_l and a_l = f_l(z_l), W_l being
 * n_l × n_{l-1}. All parameters live in ONE flat {@code double[]}: for l = 1..L, W_l row-major then
 * b_l. That order is also the order of {@code weights.bin}. Mini-batches are column-major blocks with
 * one example per column. Gradients are of the loss (they point uphill).
 */
package org.dptrain.network;
