package org.dptrain.driver.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.dptrain.driver.checkpoint.CheckpointStore;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.driver.ml.MlpClassifier;
import org.dptrain.driver.registry.Registry;
import org.dptrain.driver.report.RunReport;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.Test;

/**
 * Loading a model, a checkpoint, a registry entry, a saved pipeline stage or a run directory never
 * deserializes Java or Kryo objects from a file: no class of the packages that read them refers to
 * Java's object streams, Kryo or Spark's serializers (names looked up in the class files' constant
 * pools, where every referenced class is spelled out).
 */
class NoDeserializationRuleTest {
  private static final List<String> FORBIDDEN = List.of("java/io/ObjectInputStream",
      "java/io/ObjectInput", "com/esotericsoftware/kryo", "org/apache/spark/serializer",
      "org/apache/commons/lang3/SerializationUtils", "java/beans/XMLDecoder");

  /** The class files of {@code anchor}'s package, name → bytes, from a directory of classes or a
   *  jar (within a Maven reactor after package, a module's classes come as its jar). */
  private static Map<String, byte[]> classFiles(Class<?> anchor) throws Exception {
    Path root = Paths.get(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    String pkg = anchor.getPackageName().replace('.', '/');
    Map<String, byte[]> out = new TreeMap<>();
    if (Files.isDirectory(root)) {
      readClasses(root.resolve(pkg), out);
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(root)) {
        readClasses(jar.getPath(pkg), out);
      }
    }
    return out;
  }

  private static void readClasses(Path dir, Map<String, byte[]> out) throws IOException {
    assertTrue(Files.isDirectory(dir), dir + " is not a directory of class files");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        out.put(f.toString(), Files.readAllBytes(f));
      }
    }
  }

  @Test
  void theReadersOfFilesReferToNoDeserializer() throws Exception {
    List<String> offences = new ArrayList<>();
    int classes = 0;
    for (Class<?> anchor : List.of(ModelFile.class, HadoopFiles.class, CheckpointStore.class,
        Registry.class, MlpClassifier.class, RunReport.class)) {
      for (Map.Entry<String, byte[]> f : classFiles(anchor).entrySet()) {
        classes++;
        String pool = new String(f.getValue(), StandardCharsets.ISO_8859_1);
        for (String name : FORBIDDEN) {
          if (pool.contains(name)) {
            offences.add(f.getKey() + " refers to " + name);
          }
        }
      }
    }
    assertTrue(classes > 30, "only " + classes + " classes found: the scan looks in the wrong place");
    assertEquals(List.of(), offences);
  }

  @Test
  void theScanWouldSeeAReference() throws Exception {
    // this test class names the forbidden classes as strings, so its pool holds them
    byte[] self = classFiles(NoDeserializationRuleTest.class).entrySet().stream()
        .filter(e -> e.getKey().endsWith("/NoDeserializationRuleTest.class")).findFirst()
        .orElseThrow().getValue();
    assertTrue(new String(self, StandardCharsets.ISO_8859_1).contains("java/io/ObjectInputStream"));
  }
}
