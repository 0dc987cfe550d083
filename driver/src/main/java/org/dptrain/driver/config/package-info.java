/**
 * The typed configuration of a training job, and the one place its settings are declared.
 *
 * <p>{@link org.dptrain.driver.config.SettingTable} declares every setting once as a
 * {@link org.dptrain.driver.config.Setting}: its key (the long option without dashes, the
 * job-file key and the key in {@code provenance.config}), its Spark ML param name where it has one,
 * its default, its check, its help and whether a resumed run must share it. Everything else
 * derives from that table: the options of {@code train} and {@code retrain}, the job-file reader,
 * the Spark ML params of the estimators (and so the Python API), provenance
 * ({@link org.dptrain.driver.config.JobConfig#toMap}) and the resume check. A new setting is one
 * declaration in the table plus the component that reads it.
 *
 * <p>Conventions: null is the one "unset" (Spark ML params keep the form saved pipelines hold,
 * declared with the setting: {@code auto}, 0); enum values are read by
 * {@link org.dptrain.names.Names}' one parser and listed from the enum; a check's message names
 * the setting as the user wrote it ({@code --epochs}, {@code epochs} in a job file,
 * {@code batchSize} as a param) and the value.
 */
package org.dptrain.driver.config;
