package org.dptrain.driver.config;

import org.dptrain.driver.train.SyncMode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dptrain.activation.Activation;
import org.dptrain.driver.checkpoint.CheckpointSettings;
import org.dptrain.driver.data.ScalingMethod;
import org.dptrain.driver.eval.Metric;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.optim.Schedule;
import org.dptrain.train.ReferenceTrainer;
import org.junit.jupiter.api.Test;

/** The setting table and the typed configuration built from it; no Spark. */
class JobConfigTest {

  static JobConfig.Builder xor() {
    return JobConfig.builder().set(SettingTable.DATA, "xor.csv")
        .parse(SettingTable.LAYERS, "2,4,1").parse(SettingTable.ACTIVATIONS, "tanh,sigmoid")
        .parse(SettingTable.LOSS, "binary_cross_entropy");
  }

  @Test
  void keysAndParamsAreDeclaredOnce() {
    Set<String> keys = new HashSet<>();
    Set<String> params = new HashSet<>();
    for (Setting<?> s : SettingTable.ALL) {
      assertTrue(keys.add(s.key()), "key " + s.key() + " twice");
      assertTrue(s.param() == null || params.add(s.param()), "param " + s.param() + " twice");
      assertTrue(!s.help().isBlank(), s.key());
    }
    // the Spark ML param names saved pipelines hold
    assertEquals(Set.of("layers", "activations", "loss", "initializer", "optimizer",
        "learningRate", "momentum", "beta1", "beta2", "epsilon", "weightDecay", "clipNorm",
        "schedule", "batchSize", "epochs", "seed", "precision", "sync", "localSteps",
        "aggregationDepth", "numPartitions", "scale"), params);
  }

  @Test
  void labelColumnsReachTheDataOptionsOfTrainingAndValidation() {
    JobConfig c = xor().parse(SettingTable.LABEL_COLUMNS, "y1,y2")
        .set(SettingTable.VALIDATION, "v.csv").build();
    assertEquals(List.of("y1", "y2"), c.data().train().labelColumns());
    assertEquals(List.of("y1", "y2"), c.data().validation().labels());
    assertEquals(List.of("y1", "y2"), c.toMap().get("label-columns"));
    assertNull(xor().build().data().train().labelColumns());
  }

  @Test
  void defaultsComeFromTheTableAndTheTrainersConstants() {
    JobConfig c = xor().build();
    assertEquals(OptimizerSpec.Kind.SGD, c.optimizer().kind());
    assertEquals(OptimizerSpec.DEFAULT_LEARNING_RATE, c.optimizer().learningRate());
    assertEquals(OptimizerSpec.DEFAULT_BETA2, c.optimizer().beta2());
    assertEquals(ReferenceTrainer.DEFAULT_SEED, c.loop().seed());
    assertEquals(32, c.loop().batchSize());
    assertEquals(5, c.loop().epochs());
    assertEquals(new ParallelismConfig(null, 1, 0, 1, SyncMode.DRIVER), c.parallelism());
    assertEquals(ScalingMethod.NONE, c.scale());
    assertNull(c.network().initializer(), "unset: the default per activation");
    assertNull(c.checkpoints());
    assertEquals(new OutputConfig("dptrain", null, null, true), c.output());
    assertEquals("label", c.data().train().labelColumn());
  }

  @Test
  void toMapHoldsEverySettingUnderItsKeyInTableOrder() {
    Map<String, Object> m = xor().set(SettingTable.LOCAL_STEPS, 0).build().toMap();
    List<String> keys = new ArrayList<>();
    SettingTable.ALL.forEach(s -> keys.add(s.key()));
    assertEquals(keys, new ArrayList<>(m.keySet()));
    assertEquals(List.of(2, 4, 1), m.get("layers"));
    assertEquals(List.of("tanh", "sigmoid"), m.get("activations"));
    assertEquals(0.05, m.get("lr"));
    assertEquals(0, m.get("local-steps"));
    assertEquals("none", m.get("scale"));
    assertEquals("1epochs", m.get("checkpoint-every"));
    assertNull(m.get("partitions"));
  }

  @Test
  void precisionIsFloat64UnlessSetAndATrajectorySetting() {
    assertEquals(org.dptrain.data.Precision.FLOAT64, xor().build().precision());
    JobConfig c = xor().parse(SettingTable.PRECISION, "float32").build();
    assertEquals(org.dptrain.data.Precision.FLOAT32, c.precision());
    assertEquals("float32", c.toMap().get("precision"));
    assertTrue(SettingTable.PRECISION.trajectory(), "a resumed run must keep the precision");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SettingTable.PRECISION.parse("--precision", "float16"));
    assertTrue(e.getMessage().contains("float16") && e.getMessage().contains("float64, float32"),
        e.getMessage());
  }

  @Test
  void withChangesOneSettingAndChecksIt() {
    JobConfig c = xor().build().with(SettingTable.EPOCHS, 9);
    assertEquals(9, c.loop().epochs());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.with(SettingTable.EPOCHS, 0));
    assertEquals("epochs must be at least 1, got 0", e.getMessage());
    assertEquals("lr must be a finite number > 0, got NaN", assertThrows(
        IllegalArgumentException.class, () -> c.with(SettingTable.LEARNING_RATE, Double.NaN))
        .getMessage());
  }

  @Test
  void textIsReadByTheSettingWithMessagesNamingIt() {
    Setting<int[]> layers = SettingTable.LAYERS;
    assertArrayEquals(new int[] {784, 10}, layers.parse("--layers", "784, 10"));
    assertEquals("--layers 'abc' must be whole numbers separated by commas, e.g. 784,256,10",
        assertThrows(IllegalArgumentException.class, () -> layers.parse("--layers", "abc"))
            .getMessage());
    assertEquals("--epochs '99999999999' is out of range", assertThrows(
        IllegalArgumentException.class, () -> SettingTable.EPOCHS.parse("--epochs",
            "99999999999")).getMessage());
    assertEquals("unknown activation 'sigmod'; valid names: " + Activation.validNames(),
        assertThrows(IllegalArgumentException.class,
            () -> SettingTable.ACTIVATIONS.parse("--activations", "tanh,sigmod")).getMessage());
    assertEquals(0, SettingTable.LOCAL_STEPS.parse("--local-steps", "epoch"));
    assertEquals("epoch", SettingTable.LOCAL_STEPS.codec().text(0));
    assertEquals(Metric.LOG_LOSS, SettingTable.EARLY_STOPPING.parse("x", "log_loss"));
  }

  @Test
  void sparkFormsOfUnsetAreOnePlace() {
    assertEquals("auto", SettingTable.INIT.toSpark(null));
    assertNull(SettingTable.INIT.fromSpark("auto"));
    assertEquals(0, SettingTable.PARTITIONS.toSpark(null));
    assertNull(SettingTable.PARTITIONS.fromSpark(0));
    assertEquals(3, SettingTable.PARTITIONS.fromSpark(3));
    assertEquals("numPartitions must be at least 1, got -1", assertThrows(
        IllegalArgumentException.class, () -> SettingTable.PARTITIONS.fromSpark(-1))
        .getMessage());
  }

  @Test
  void whatDoesNotFitIsRefusedWithoutData() {
    assertEquals("--early-stopping accuracy needs --validation data to measure it on",
        assertThrows(IllegalArgumentException.class, () -> xor()
            .set(SettingTable.EARLY_STOPPING, Metric.ACCURACY).build()).getMessage());
    assertEquals("--early-stopping rmse does not apply to a binary task; use accuracy, macro_f1,"
        + " log_loss", assertThrows(IllegalArgumentException.class, () -> xor()
            .set(SettingTable.VALIDATION, "v.csv").set(SettingTable.EARLY_STOPPING, Metric.RMSE)
            .build()).getMessage());
    assertEquals("--resume needs --checkpoint-dir, the directory of the checkpoints to resume"
        + " from", assertThrows(IllegalArgumentException.class, () -> xor()
            .set(SettingTable.RESUME, CheckpointSettings.LATEST).build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> JobConfig.builder()
        .set(SettingTable.DATA, "x").build()).getMessage().startsWith("--layers is required"));
  }

  @Test
  void cosineWarmupRunsToTheEndOfTheRun() {
    JobConfig c = xor().set(SettingTable.SCHEDULE, "cosine:5").build();
    assertEquals(new Schedule.WarmupCosine(5, 120, 0.0), c.optimizer().spec(120).schedule());
    assertEquals(new Schedule.Constant(), xor().build().optimizer().spec(120).schedule());
  }
}
