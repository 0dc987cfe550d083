package org.dptrain.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.dptrain.network.Network;
import org.junit.jupiter.api.Test;

/**
 * The module rule of DESIGN.md: nothing compiled in trainer refers to Spark core (anything under
 * org.apache.spark outside ml.linalg) or to Breeze. Reads every class file's constant pool, so
 * fully-qualified uses are caught as well as imports.
 */
class TrainerDependencyRuleTest {

  @Test
  void trainerClassesUseNoSparkCoreAndNoBreeze() throws Exception {
    Path classes = Paths.get(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertTrue(files.size() > 10, "expected the trainer's classes under " + classes);
    TreeSet<String> violations = new TreeSet<>();
    for (Path f : files) {
      for (String ref : utf8Constants(f)) {
        String forbidden = forbidden(ref);
        if (forbidden != null) {
          violations.add(classes.relativize(f) + " -> " + forbidden);
        }
      }
    }
    assertEquals(new TreeSet<String>(), violations);
  }

  @Test
  void theRuleCatchesWhatItShould() {
    assertEquals("org/apache/spark/SparkContext", forbidden("Lorg/apache/spark/SparkContext;"));
    assertEquals("org/apache/spark/rdd/RDD", forbidden("(Lorg/apache/spark/rdd/RDD;)V"));
    assertEquals("breeze/linalg/DenseVector", forbidden("breeze/linalg/DenseVector"));
    assertEquals("breeze/linalg/DenseVector", forbidden("Lbreeze/linalg/DenseVector;"));
    assertEquals(null, forbidden("org/apache/spark/ml/linalg/Vectors"));
    assertEquals(null, forbidden("the breeze blows"));
  }

  /** The forbidden class a constant-pool string mentions, or null. */
  static String forbidden(String s) {
    int i = s.indexOf("org/apache/spark/");
    while (i >= 0) {
      if (!s.startsWith("org/apache/spark/ml/linalg/", i)) {
        return className(s, i);
      }
      i = s.indexOf("org/apache/spark/", i + 1);
    }
    if (s.startsWith("breeze/")) {
      return className(s, 0);
    }
    int b = s.indexOf("Lbreeze/");
    return b >= 0 ? className(s, b + 1) : null;
  }

  private static String className(String s, int from) {
    int end = from;
    while (end < s.length() && s.charAt(end) != ';' && s.charAt(end) != ')'
        && s.charAt(end) != '<') {
      end++;
    }
    return s.substring(from, end);
  }

  /** The CONSTANT_Utf8 entries of a class file (JVMS 4.4). */
  static List<String> utf8Constants(Path classFile) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(classFile);
         DataInputStream d = new DataInputStream(in)) {
      if (d.readInt() != 0xCAFEBABE) {
        throw new IOException(classFile + " is not a class file");
      }
      d.readUnsignedShort();
      d.readUnsignedShort();
      int count = d.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = d.readUnsignedByte();
        switch (tag) {
          case 1 -> out.add(d.readUTF());
          case 7, 8, 16, 19, 20 -> d.skipBytes(2);
          case 15 -> d.skipBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> d.skipBytes(4);
          case 5, 6 -> {
            d.skipBytes(8);
            i++;
          }
          default -> throw new IOException(classFile + ": unknown constant tag " + tag);
        }
      }
    }
    return out;
  }

}
