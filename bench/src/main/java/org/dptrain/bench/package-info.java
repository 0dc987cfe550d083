/** Benchmarks run as programs (never as timed tests): they print numbers for BENCHMARKS.md. */
package org.dptrain.bench;
