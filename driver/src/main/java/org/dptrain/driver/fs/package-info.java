/**
 * Files on any Hadoop filesystem ({@code file://}, {@code hdfs://}, {@code s3a://}...): model
 * directories, checkpoints and registry entries are written through {@link
 * org.dptrain.driver.fs.HadoopFiles}.
 *
 * <p>Conventions: a directory is assembled under a hidden temporary name beside its target and
 * renamed into place, so a reader never sees half of it; a small file that is replaced (a pointer
 * such as {@code latest} or {@code champion}) is written to a temporary name and renamed over the
 * old one, atomically on the local filesystem (rename(2)) and on HDFS (the NameNode's overwriting
 * rename); object stores such as S3 have no atomic rename, so there a reader may briefly see no
 * pointer. Only JSON and raw little-endian doubles are read back: nothing is ever deserialized as
 * Java or Kryo objects. Every read is bounded: {@code readFile(file, maxBytes)} refuses a larger
 * file from its status before reading and enforces the bound while reading, naming the file, its
 * size and the limit. Names that users give (registry names, checkpoint names) are checked with
 * {@link org.dptrain.driver.fs.SafeName} before they become path components. A command's local
 * output is checked by {@link org.dptrain.driver.fs.OutputPath}: it must not exist.
 */
package org.dptrain.driver.fs;
