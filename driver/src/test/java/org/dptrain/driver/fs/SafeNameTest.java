package org.dptrain.driver.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SafeNameTest {
  private static String error(String name) {
    return assertThrows(IllegalArgumentException.class, () -> SafeName.check("--name", name))
        .getMessage();
  }

  @Test
  void acceptsLettersDigitsDashAndUnderscore() {
    assertEquals("fashion-mnist_v2", SafeName.check("--name", "fashion-mnist_v2"));
    assertEquals("7", SafeName.check("--name", "7"));
  }

  @Test
  void refusesPathsAndSpecialNamesSayingWhy() {
    String rule = ": use letters, digits, '-' and '_', starting with a letter or digit";
    assertEquals("--name '..' is not a valid name ('..' would leave its folder)" + rule,
        error(".."));
    assertEquals("--name 'a/../../etc' is not a valid name ('..' would leave its folder)" + rule,
        error("a/../../etc"));
    assertEquals("--name '/etc/passwd' is not a valid name (a name, not a path)" + rule,
        error("/etc/passwd"));
    assertEquals("--name 'hdfs:x' is not a valid name (a name, not a path)" + rule,
        error("hdfs:x"));
    assertEquals("--name 'a/b' is not a valid name (no path separators)" + rule, error("a/b"));
    assertEquals("--name 'a\\b' is not a valid name (no path separators)" + rule, error("a\\b"));
    assertEquals("--name '.hidden' is not a valid name" + rule, error(".hidden"));
    assertEquals("--name 'a b' is not a valid name" + rule, error("a b"));
    assertEquals("--name '-x' is not a valid name" + rule, error("-x"));
    assertEquals("--name is empty; give a name of letters, digits, '-' and '_'", error(""));
    assertEquals("--name is empty; give a name of letters, digits, '-' and '_'", error(null));
    assertEquals("--name 'aaaaaaaaaaaaaaaaaaaa...' is 101 characters long; at most 100 are"
        + " allowed", error("a".repeat(101)));
  }
}
