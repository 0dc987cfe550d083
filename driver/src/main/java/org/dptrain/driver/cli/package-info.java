/**
 * The command line ({@code scripts/dptrain}, or {@code spark-submit --class
 * org.dptrain.driver.cli.Main}): train, evaluate, predict and inspect. Commands are thin: they turn
 * options into settings and call the job classes. Exit codes: 0 success, 2 bad input or usage
 * (the message names what and where), 1 any other failure.
 */
package org.dptrain.driver.cli;
