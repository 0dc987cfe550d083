/**
 * How dptrain sets Spark up: the Kryo registrator (every class that crosses the wire is
 * registered; {@code spark.kryo.registrationRequired=true}) and the session settings dptrain needs.
 */
package org.dptrain.driver.spark;
