/**
 * Bounded reading of YAML (job files): the limits of {@link org.dptrain.json.BoundedJson} plus
 * SnakeYAML's own (code points, aliases), duplicate keys refused naming both lines. It lives in
 * the driver because the trainer does not depend on jackson-dataformat-yaml.
 */
package org.dptrain.driver.yaml;
