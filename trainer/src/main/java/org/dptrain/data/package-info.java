/**
 * In-memory training data as the kernels read it: column-major blocks, one example per column,
 * features in {@code x} and targets (one-hot classes, 0/1, or regression values) in {@code y}.
 */
package org.dptrain.data;
