package org.dptrain.driver.data;

/** What the labels mean, which fixes how they become network targets. */
public enum TaskType {
  /** Labels are integer class indices in [0, K); targets are one-hot vectors of K outputs. */
  MULTICLASS,
  /** Labels are 0 or 1; the target is the label itself, one output. */
  BINARY,
  /** Labels are real numbers; the target is the label itself, one output. */
  REGRESSION
}
