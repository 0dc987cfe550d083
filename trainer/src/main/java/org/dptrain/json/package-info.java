/**
 * Bounded reading of the JSON (and, through the driver's YAML factory, YAML) documents dptrain
 * accepts from files: model.json, registry.json, checkpoint state, Spark ML metadata, job files.
 * Every reader goes through {@link org.dptrain.json.BoundedJson}: one set of limits (nesting
 * depth, document size, string, name and number lengths), duplicate keys refused naming both
 * lines, nothing after the top-level value, and messages that name the file. Only trees of
 * {@code JsonNode}s are built: nothing is bound to Java classes named by the input.
 */
package org.dptrain.json;
