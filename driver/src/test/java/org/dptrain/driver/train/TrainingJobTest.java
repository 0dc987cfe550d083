package org.dptrain.driver.train;

import static org.dptrain.driver.config.SettingTable.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.linalg.Blas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingJobTest {
  @TempDir
  Path tmp;

  @Test
  void aRunThatFailsInSparkLeavesNothingBehind() throws Exception {
    String data = Paths.get("..", "conf", "jobs", "data", "xor.csv").toAbsolutePath().toString();
    Path out = tmp.resolve("run");
    JobConfig s = JobConfig.builder().set(DATA, data).parse(LAYERS, "2,4,1")
        .parse(ACTIVATIONS, "tanh,sigmoid").parse(LOSS, "binary_cross_entropy")
        .set(LEARNING_RATE, 0.5).set(BATCH_SIZE, 4).set(EPOCHS, 2).set(PARTITIONS, 1)
        .set(LOCAL_STEPS, 0).set(OUTPUT, out.toString()).build();
    TaskHook broken = (p, e, step, attempt) -> {
      if (e == 1) {
        throw new IllegalStateException("injected executor failure in epoch 2");
      }
    };
    Throwable t = assertThrows(Throwable.class, () -> TrainingJob.run(SparkTestSession.get(), s,
        new PrintStream(new ByteArrayOutputStream()), broken));
    assertTrue(String.valueOf(t.getMessage()).contains("injected executor failure in epoch 2"),
        String.valueOf(t.getMessage()));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "no run directory and no staging directory");
    }
  }

  @Test
  void onlyTheBlasClassSaysWhichBlasRuns() throws Exception {
    String data = Paths.get("..", "conf", "jobs", "data", "xor.csv").toAbsolutePath().toString();
    JobConfig s = JobConfig.builder().set(DATA, data).parse(LAYERS, "2,4,1")
        .parse(ACTIVATIONS, "tanh,sigmoid").parse(LOSS, "binary_cross_entropy")
        .set(LEARNING_RATE, 0.5).set(BATCH_SIZE, 4).set(EPOCHS, 1).set(PARTITIONS, 1)
        .set(OUTPUT, tmp.resolve("run").toString()).build();
    List<String> blasLines = new CopyOnWriteArrayList<>();
    AbstractAppender capture = new AbstractAppender("blas-lines", null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent e) {
        if (e.getMessage().getFormattedMessage().contains("BLAS")) {
          blasLines.add(e.getLoggerName() + ": " + e.getMessage().getFormattedMessage());
        }
      }
    };
    capture.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    LoggerConfig dptrain = ctx.getConfiguration().getLoggerConfig("org.dptrain");
    dptrain.addAppender(capture, Level.INFO, null);
    ctx.updateLoggers();
    try {
      TrainingJob.run(SparkTestSession.get(), s, new PrintStream(new ByteArrayOutputStream()));
    } finally {
      dptrain.removeAppender("blas-lines");
      ctx.updateLoggers();
      capture.stop();
    }
    // Blas announces its choice once per JVM (perhaps before this test); nobody repeats it
    for (String line : blasLines) {
      assertTrue(line.startsWith(Blas.class.getName() + ": BLAS: "), String.valueOf(blasLines));
    }
  }
}
