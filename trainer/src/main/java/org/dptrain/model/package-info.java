/**
 * The model file format: a directory with {@code model.json} (topology, activations, loss, the
 * weights file's dtype, byte order and SHA-256, plus any fields a writer adds) and
 * {@code weights.bin} (little-endian float64, the flat parameter order of
 * {@link org.dptrain.network}). Read with the bounded JSON reader ({@link org.dptrain.json}) and
 * {@link org.dptrain.model.Float64Codec}, the one float64 codec of dptrain's files, never with
 * Java deserialization. Writes go to a temporary directory that is renamed into place.
 */
package org.dptrain.model;
