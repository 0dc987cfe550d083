/** How configuration names map to enum constants: lower-case ids, parsed case-insensitively. */
package org.dptrain.names;
