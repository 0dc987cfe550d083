package org.dptrain.driver.config;

import org.dptrain.driver.train.SyncMode;

/**
 * How the work is spread ({@link SettingTable#PARTITIONS}, {@link SettingTable#LOCAL_STEPS},
 * {@link SettingTable#SYNCHRONOUS_EPOCHS}, {@link SettingTable#AGGREGATION_DEPTH},
 * {@link SettingTable#SYNC}). A new setting of this group is declared in
 * {@link SettingTable} (and listed in {@link SettingTable#ALL}); it is then an option, a job-file
 * key, a Spark ML param (if it names one), part of provenance and, if it shapes the trajectory,
 * of the resume check, and a component here.
 *
 * @param partitions partitions of the training data, or null for Spark's default parallelism
 * @param localSteps 1 = synchronous SGD, K = local steps between synchronisations, 0 = an epoch
 * @param synchronousEpochs the first epochs that take synchronous steps whatever localSteps
 *     says (post-local SGD, {@link SettingTable#SYNCHRONOUS_EPOCHS}); 0 = none
 * @param aggregationDepth 1 = merge on the driver, d &ge; 2 = a tree of depth d
 * @param sync how partials become one update ({@link SettingTable#SYNC})
 */
public record ParallelismConfig(Integer partitions, int localSteps, int synchronousEpochs,
    int aggregationDepth, SyncMode sync) {}
