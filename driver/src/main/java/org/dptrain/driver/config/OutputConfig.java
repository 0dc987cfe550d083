package org.dptrain.driver.config;

/**
 * What a run writes ({@link SettingTable#NAME}, {@link SettingTable#OUTPUT},
 * {@link SettingTable#METRICS_FILE}, {@link SettingTable#NO_REPORT}).
 *
 * @param name the job's name
 * @param dir the run directory to create, or null (the command line picks one from the name)
 * @param metricsFile an extra metrics file appended to as training goes, or null
 * @param report whether report.html is written after training
 */
public record OutputConfig(String name, String dir, String metricsFile, boolean report) {}
