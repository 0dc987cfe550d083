/** Benchmarks run as programs (scripts/bench.sh), never as timed tests. */
package org.dptrain.driver.bench;
