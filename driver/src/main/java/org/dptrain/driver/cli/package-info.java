/**
 * The command line ({@code scripts/dptrain}, or {@code spark-submit --class
 * org.dptrain.driver.cli.Main}). Every subcommand is a class of this package listed in
 * {@link org.dptrain.driver.cli.Main}'s {@code @Command}; {@code dptrain --help} prints them.
 * Commands are thin: they turn options into settings and
 * call the job classes. The job options of train and retrain are built from
 * {@link org.dptrain.driver.config.SettingTable} ({@link org.dptrain.driver.cli.JobOptions}); the
 * Spark options are one mixin ({@link org.dptrain.driver.cli.SparkArgs}); {@code --model} is read
 * through the Hadoop file layer ({@link org.dptrain.driver.cli.ModelArgs}). Every input and output
 * is checked before Spark starts; no command replaces an existing output
 * ({@link org.dptrain.driver.fs.OutputPath}) unless asked to ({@code export --force}).
 *
 * <p>Exit codes, all decided in {@code Main.report}: 0 success, 2 bad input
 * or usage (the message names what and where), 3 a registry entry locked by another run
 * ({@link org.dptrain.driver.registry.RegistryLockedException}), 1 any other failure.
 */
package org.dptrain.driver.cli;
