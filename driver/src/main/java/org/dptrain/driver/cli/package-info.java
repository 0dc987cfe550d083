/**
 * The command line ({@code scripts/dptrain}, or {@code spark-submit --class
 * org.dptrain.driver.cli.Main}). Every subcommand is a class of this package listed in
 * {@link org.dptrain.driver.cli.Main}'s {@code @Command}; {@code dptrain --help} prints them.
 * Commands are thin: they turn options into settings and call the job classes. Exit codes: 0
 * success, 2 bad input or usage (the message names what and where), 1 any other failure.
 *
 * <p>{@code retrain} and {@code registry promote} also exit 3 when the registry entry is locked by
 * another run ({@link org.dptrain.driver.registry.RegistryLockedException}).
 */
package org.dptrain.driver.cli;
