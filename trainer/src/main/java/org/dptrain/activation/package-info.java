/**
 * Activation functions f applied to the weighted input z of a layer, a = f(z), with their
 * derivatives. Blocks are column-major: {@code rows} units by {@code cols} examples, one example per
 * column, so softmax normalises each column.
 */
package org.dptrain.activation;
