package org.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.SparkException;
import org.dptrain.driver.SparkTestSession;
import org.junit.jupiter.api.Test;

class DataValidationExceptionTest {
  @Test
  void messageNamesFileLocationAndProblem() {
    DataValidationException e = new DataValidationException("a.csv",
        DataValidationException.line(3), "column \"x\" is empty");
    assertEquals("a.csv line 3: column \"x\" is empty", e.getMessage());
    assertEquals("a.csv", e.file());
    assertEquals("line 3", e.location());
    assertEquals("b.parquet row 0 (0-based): label is null", new DataValidationException(
        "b.parquet", DataValidationException.row(0), "label is null").getMessage());
    assertEquals("c.idx: too short", new DataValidationException("c.idx", null, "too short")
        .getMessage());
    assertEquals("no such file: /x", DataValidationException.noSuchFile("/x").getMessage());
    assertEquals("no examples in /y", DataValidationException.noExamples("/y").getMessage());
  }

  @Test
  void unwrapFindsTheCause() {
    DataValidationException cause = new DataValidationException("f", "line 1", "bad");
    SparkException failure = new SparkException("Job aborted", new RuntimeException("task",
        cause));
    assertSame(cause, DataValidationException.unwrap(failure));
  }

  @Test
  void unwrapReadsTheMessageWhenTheCauseIsGone() {
    SparkException failure = new SparkException("Job aborted due to stage failure: Task 0 failed:"
        + " org.dptrain.driver.data.DataValidationException: f line 2: token \"x\" is not "
        + "index:value\n\tat org.dptrain...", null);
    RuntimeException e = DataValidationException.unwrap(failure);
    assertEquals(DataValidationException.class, e.getClass());
    assertEquals("f line 2: token \"x\" is not index:value", e.getMessage());
    assertNull(((DataValidationException) e).file());
  }

  @Test
  void unwrapPassesOtherFailuresOn() {
    IllegalStateException unchecked = new IllegalStateException("x");
    assertSame(unchecked, DataValidationException.unwrap(unchecked));
    SparkException checked = new SparkException("lost executor");
    RuntimeException wrapped = DataValidationException.unwrap(checked);
    assertEquals("lost executor", wrapped.getMessage());
    assertSame(checked, wrapped.getCause());
    OutOfMemoryError error = new OutOfMemoryError("heap");
    assertSame(error, assertThrows(OutOfMemoryError.class,
        () -> DataValidationException.unwrap(error)));
  }

  @Test
  void survivesARealSparkJob() {
    Exception failure = assertThrows(Exception.class, () -> SparkTestSession.context()
        .parallelize(List.of(1, 2, 3), 2).map(i -> {
          if (i == 3) {
            throw new DataValidationException("f", DataValidationException.row(i), "odd");
          }
          return i;
        }).count());
    RuntimeException e = DataValidationException.unwrap(failure);
    assertEquals("f row 3 (0-based): odd", e.getMessage());
    assertEquals("row 3 (0-based)", ((DataValidationException) e).location());
  }
}
