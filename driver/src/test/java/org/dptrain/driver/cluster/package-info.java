/**
 * Integration tests (failsafe, {@code *IT}) against a real Spark standalone cluster on loopback,
 * started and stopped by {@code scripts/cluster.sh}, with jobs submitted by
 * {@code scripts/submit.sh}. State and logs go to {@code driver/target/cluster-it/}.
 */
package org.dptrain.driver.cluster;
