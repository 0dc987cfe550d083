/**
 * In-memory training data as the kernels read it: column-major blocks, one example per column,
 * features in x and targets (one-hot classes, 0/1, or regression values) in y, stored in one
 * {@link org.dptrain.data.Precision} per block (float64, or float32 for half the memory).
 */
package org.dptrain.data;
