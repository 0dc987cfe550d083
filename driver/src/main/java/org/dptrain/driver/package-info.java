/**
 * The Spark application that trains {@code org.dptrain} networks by synchronous data-parallel SGD.
 * Everything Spark-specific lives under this package; the math it runs comes from the trainer
 * module.
 */
package org.dptrain.driver;
