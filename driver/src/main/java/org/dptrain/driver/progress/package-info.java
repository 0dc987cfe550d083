/**
 * Progress display of a training run on a terminal: a bar redrawn in place with {@code \r}
 * (epoch, step within the epoch, samples per second, time left), while the per-epoch lines keep
 * scrolling above it. Off a terminal (a pipe, a log file, {@code CI=true} or
 * {@code DPTRAIN_PROGRESS=plain}) only the per-epoch lines are printed, unchanged. Rendering is a
 * pure function of the state ({@link org.dptrain.driver.progress.ProgressBar#render}), so it is
 * tested without a terminal.
 */
package org.dptrain.driver.progress;
