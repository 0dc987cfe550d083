package org.dptrain.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Sessions dptrain did not build: which can carry training's results. */
class SparkSettingsTest {
  private static final String KRYO = "org.apache.spark.serializer.KryoSerializer";

  @Test
  void javaSerializationAndKryoWithOurRegistratorAreAccepted() {
    SparkSettings.checkSerializer(new SparkConf(false), "MlpClassifier.fit");
    SparkSettings.checkSerializer(new SparkConf(false)
        .set("spark.serializer", "org.apache.spark.serializer.JavaSerializer"), "x");
    SparkSettings.checkSerializer(new SparkConf(false).set("spark.serializer", KRYO)
        .set("spark.kryo.registrator", "com.acme.Reg," + DptrainKryoRegistrator.class.getName()),
        "x");
    SparkSettings.checkSerializer(SparkSettings.apply(new SparkConf(false)), "x");
  }

  @Test
  void kryoWithoutOurRegistratorIsRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkSettings.checkSerializer(new SparkConf(false).set("spark.serializer", KRYO)
            .set("spark.kryo.registrator", "com.acme.Reg"), "MlpClassifier.fit"));
    assertEquals("MlpClassifier.fit needs dptrain's Kryo registrations in a session with"
        + " spark.serializer=" + KRYO + ": add spark.kryo.registrator="
        + "org.dptrain.driver.spark.DptrainKryoRegistrator to the session's configuration (or use"
        + " Spark's default Java serializer)", e.getMessage());
  }
}
