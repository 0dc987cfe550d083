/**
 * The model registry and scheduled retraining. A registry root ({@code --registry}, any Hadoop
 * filesystem) holds one directory per model name; each holds numbered, immutable versions
 * ({@code v000001}, ...: model.json, weights.bin, metrics.jsonl and registry.json with the holdout
 * metrics, the promotion decision and provenance), a {@code champion} pointer file and, while a
 * run is active, a {@code .lock} file.
 *
 * <p>Conventions: names are checked with {@link org.dptrain.driver.fs.SafeName}; every write goes
 * through {@link org.dptrain.driver.fs.HadoopFiles} (directories renamed into place, the pointer
 * replaced in one rename) and happens under the entry's {@link
 * org.dptrain.driver.registry.RegistryLock}; the pointer file is the truth about the champion.
 * Metrics are compared in their own unit, higher or lower being better as {@link
 * org.dptrain.driver.eval.Metric#largerIsBetter} says.
 */
package org.dptrain.driver.registry;
