package org.dptrain.driver.cli;

import org.dptrain.driver.spark.SparkSettings;
import picocli.CommandLine.Option;

/** The Spark options of every command that starts Spark. */
final class SparkArgs {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else " + SparkSettings.DEFAULT_MASTER
          + ")")
  String master;

  /** The session of a command called {@code appName}. */
  Sessions start(String appName) {
    return Sessions.start(appName, master);
  }
}
