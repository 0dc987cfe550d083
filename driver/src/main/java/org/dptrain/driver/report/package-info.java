/**
 * The run report: {@code report.html} and its PNG charts, drawn from a run directory's files alone
 * ({@code model.json} and {@code metrics.jsonl}), and the activation plot. Charts are XChart
 * bitmaps rendered headless; the page is self-contained (inline CSS, images referenced by relative
 * name, nothing fetched from the network). Conventions: epochs are 1-based as in
 * {@code metrics.jsonl}; a confusion matrix has the true class in rows and the predicted class in
 * columns, as {@link org.dptrain.driver.eval.Metrics} stores it. A run directory that cannot be read
 * is a {@link org.dptrain.driver.report.RunDirectoryException} naming the file, the line and what
 * is wrong.
 */
package org.dptrain.driver.report;
