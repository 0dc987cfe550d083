package org.dptrain.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dptrain.network.Network;
import org.junit.jupiter.api.Test;

/**
 * The module rule of DESIGN.md: nothing compiled in trainer refers to Spark core (anything under
 * org.apache.spark outside ml.linalg) or to Breeze. Reads every class file's constant pool, so
 * fully-qualified uses are caught as well as imports. Beyond that rule, the trainer uses only BLAS
 * and what Spark itself ships (Jackson, SLF4J), and its classpath (the compile and test scopes of
 * trainer/pom.xml, on which these tests run) holds no Scala, Spark or Breeze at all.
 */
class TrainerDependencyRuleTest {

  /** Packages outside the JDK and dptrain that trainer classes may refer to (STYLE.md). */
  private static final List<String> ALLOWED = List.of("java/", "org/dptrain/",
      "dev/ludovic/netlib/", "com/fasterxml/jackson/", "org/slf4j/");

  /** One class each of what must not be on the trainer's classpath, named by artifact. */
  private static final List<String[]> ABSENT = List.of(
      new String[] {"breeze/linalg/DenseVector.class", "Breeze (breeze_2.13)"},
      new String[] {"scala/Predef.class", "scala-library"},
      new String[] {"org/apache/spark/ml/linalg/Vectors.class", "spark-mllib-local"},
      new String[] {"org/apache/spark/SparkContext.class", "spark-core"});

  private static List<Path> trainerClassFiles() throws Exception {
    Path classes = Paths.get(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertTrue(files.size() > 10, "expected the trainer's classes under " + classes);
    return files;
  }

  @Test
  void trainerClassesUseNoSparkCoreAndNoBreeze() throws Exception {
    Path classes = Paths.get(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> files = trainerClassFiles();
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
  void trainerClassesReferOnlyToTheJdkBlasJacksonAndSlf4j() throws Exception {
    TreeSet<String> outside = new TreeSet<>();
    int refs = 0;
    for (Path f : trainerClassFiles()) {
      for (String name : referencedClasses(f)) {
        refs++;
        if (ALLOWED.stream().noneMatch(name::startsWith)) {
          outside.add(f.getFileName() + " -> " + name);
        }
      }
    }
    assertTrue(refs > 100, "only " + refs + " class references found: the scan reads the wrong thing");
    assertEquals(new TreeSet<String>(), outside);
  }

  @Test
  void trainerClasspathHasNoScalaSparkOrBreeze() {
    ClassLoader loader = TrainerDependencyRuleTest.class.getClassLoader();
    for (String[] absent : ABSENT) {
      assertNull(loader.getResource(absent[0]), absent[1] + " is on the trainer's classpath ("
          + loader.getResource(absent[0]) + "); trainer/pom.xml must not bring it, even transitively");
    }
    assertTrue(loader.getResource("dev/ludovic/netlib/blas/BLAS.class") != null,
        "the check looks in the wrong place: netlib BLAS, a trainer dependency, is not found");
  }

  @Test
  void referencesAreReadFromDescriptorsAndSignatures() {
    Set<String> out = new TreeSet<>();
    classNamesIn("(ILjava/util/List;[Lorg/slf4j/Logger;)V", out);
    classNamesIn("Ljava/util/Map<Ljava/lang/String;Lbreeze/linalg/DenseVector<Ljava/lang/Double;>;>;", out);
    classNamesIn("not a descriptor: a/b;", out);
    assertEquals(new TreeSet<>(List.of("java/util/List", "org/slf4j/Logger", "java/util/Map",
        "java/lang/String", "breeze/linalg/DenseVector", "java/lang/Double")), out);
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

  private static final Pattern REFERENCE = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+)[;<]");

  /** Adds the classes named in a field or method descriptor or a generic signature (JVMS 4.3, 4.7.9.1). */
  static void classNamesIn(String descriptor, Set<String> out) {
    if (descriptor.isEmpty() || "(L[<".indexOf(descriptor.charAt(0)) < 0) {
      return;
    }
    Matcher m = REFERENCE.matcher(descriptor);
    while (m.find()) {
      out.add(m.group(1));
    }
  }

  /** The classes a class file refers to: its CONSTANT_Class entries (arrays by their element
   *  class) and the classes in every descriptor or signature of its constant pool. */
  static Set<String> referencedClasses(Path classFile) throws IOException {
    List<String> utf8 = new ArrayList<>();
    List<Integer> classIndices = new ArrayList<>();
    readPool(classFile, utf8, classIndices);
    Set<String> out = new TreeSet<>();
    for (int index : classIndices) {
      String name = utf8.get(index);
      if (name.startsWith("[")) {
        classNamesIn(name.substring(name.lastIndexOf('[') + 1), out);
      } else {
        out.add(name);
      }
    }
    for (String s : utf8) {
      if (s != null) {
        classNamesIn(s, out);
      }
    }
    return out;
  }

  /** The CONSTANT_Utf8 entries of a class file (JVMS 4.4). */
  static List<String> utf8Constants(Path classFile) throws IOException {
    List<String> utf8 = new ArrayList<>();
    readPool(classFile, utf8, new ArrayList<>());
    return utf8.stream().filter(s -> s != null).toList();
  }

  /** Reads the constant pool: {@code utf8} gets one entry per pool index (null where the entry
   *  is not CONSTANT_Utf8), {@code classIndices} the name index of every CONSTANT_Class. */
  private static void readPool(Path classFile, List<String> utf8, List<Integer> classIndices)
      throws IOException {
    utf8.add(null);
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
        String value = null;
        switch (tag) {
          case 1 -> value = d.readUTF();
          case 7 -> classIndices.add(d.readUnsignedShort());
          case 8, 16, 19, 20 -> d.skipBytes(2);
          case 15 -> d.skipBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> d.skipBytes(4);
          case 5, 6 -> {
            d.skipBytes(8);
            utf8.add(null);
            i++;
          }
          default -> throw new IOException(classFile + ": unknown constant tag " + tag);
        }
        utf8.add(value);
      }
    }
  }

}
