package org.dptrain.driver.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dptrain.driver.checkpoint.CheckpointStore;
import org.dptrain.driver.fs.ModelStore;
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

  /** The compiled package of {@code anchor}: its directory of class files. */
  private static Path packageDir(Class<?> anchor) throws URISyntaxException {
    Path root = Paths.get(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    return root.resolve(anchor.getPackageName().replace('.', '/'));
  }

  @Test
  void theReadersOfFilesReferToNoDeserializer() throws Exception {
    List<Path> dirs = List.of(packageDir(ModelFile.class), packageDir(ModelStore.class),
        packageDir(CheckpointStore.class), packageDir(Registry.class),
        packageDir(MlpClassifier.class), packageDir(RunReport.class));
    List<String> offences = new ArrayList<>();
    int classes = 0;
    for (Path dir : dirs) {
      assertTrue(Files.isDirectory(dir), dir + " is not a directory of class files");
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          classes++;
          String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          for (String name : FORBIDDEN) {
            if (pool.contains(name)) {
              offences.add(f.getFileName() + " refers to " + name);
            }
          }
        }
      }
    }
    assertTrue(classes > 30, "only " + classes + " classes found: the scan looks in the wrong place");
    assertEquals(List.of(), offences);
  }

  @Test
  void theScanWouldSeeAReference() throws IOException, URISyntaxException {
    // this test class itself names the forbidden classes as strings, so its pool holds them
    Path self = packageDir(NoDeserializationRuleTest.class)
        .resolve(NoDeserializationRuleTest.class.getSimpleName() + ".class");
    String pool = new String(Files.readAllBytes(self), StandardCharsets.ISO_8859_1);
    assertTrue(pool.contains("java/io/ObjectInputStream"));
  }
}
