package org.dptrain.driver.config;

/**
 * The training loop ({@link SettingTable#BATCH_SIZE}, {@link SettingTable#EPOCHS},
 * {@link SettingTable#SEED}).
 *
 * @param batchSize the global mini-batch, split over partitions
 * @param epochs passes over the data
 * @param seed drives the initial weights and every shuffle
 */
public record LoopConfig(int batchSize, int epochs, long seed) {}
