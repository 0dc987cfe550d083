/**
 * Dense linear algebra for the kernels: one process-wide BLAS, native when the machine has it.
 * Matrices are column-major (Fortran/BLAS order); a row-major n_out × n_in weight matrix is read by
 * BLAS as its column-major transpose, which is why the kernels pass "T" where the math has W.
 */
package org.dptrain.linalg;
