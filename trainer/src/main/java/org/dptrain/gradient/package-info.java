/**
 * Gradient accumulation: what an executor fills over its share of a mini-batch and what the
 * driver merges. Sums, not means, travel and merge (so merge is associative up to round-off and
 * independent of how examples were split); the mean is taken once, at the end.
 */
package org.dptrain.gradient;
