/**
 * Training data: reading LIBSVM, CSV, Parquet and IDX into a frame of (features vector, label,
 * source file, position) with {@link org.dptrain.driver.data.DataLoader}, validating every example
 * and stacking each partition into one column-major {@link org.dptrain.data.Block} with
 * {@link org.dptrain.driver.data.BlockStacker}, and per-feature scaling. Labels are class
 * indices, regression targets (one, or a vector of several), or class names turned into indices
 * in sorted order ({@link org.dptrain.driver.data.ClassNames}); {@link
 * org.dptrain.driver.data.Targets} says which a network trains on.
 *
 * <p>Conventions: every problem with input data is a
 * {@link org.dptrain.driver.data.DataValidationException} whose message names the file and the
 * 1-based line (text formats, counting every physical line) or the 0-based row within the file
 * (Parquet, IDX); nothing is trained on data that failed validation. Such exceptions thrown inside
 * Spark tasks reach the driver wrapped in a {@code SparkException}; every public method here
 * unwraps them, and callers running their own actions over these frames use
 * {@link org.dptrain.driver.data.DataValidationException#unwrap}. The order of examples, and so
 * the content of blocks, is deterministic: by file name, then position in the file. Feature
 * scaling is fitted from exact per-feature sums ({@link org.dptrain.driver.data.ExactMoments}), so
 * it does not depend on the partitioning either.
 */
package org.dptrain.driver.data;
