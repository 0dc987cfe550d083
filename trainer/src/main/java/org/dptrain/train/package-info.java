/**
 * In-process trainers: the reference mini-batch trainer (the yardstick the distributed trainer
 * must equal), the batch plan they share, and the perceptron learning rule.
 */
package org.dptrain.train;
