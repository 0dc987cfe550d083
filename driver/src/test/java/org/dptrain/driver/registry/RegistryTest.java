package org.dptrain.driver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dptrain.driver.fs.HadoopFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry layout on the local filesystem, without Spark. */
class RegistryTest {
  @TempDir
  java.nio.file.Path tmp;

  private final HadoopFiles store = new HadoopFiles(new Configuration());

  private Registry entry() {
    return new Registry(store, tmp.toString(), "churn");
  }

  private static void add(Registry r, String version) throws IOException {
    r.addVersion(version, List.of(new HadoopFiles.NamedBytes(Registry.REGISTRY_JSON,
        ("{\"version\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8))));
  }

  private List<String> names(java.nio.file.Path dir) throws IOException {
    try (Stream<java.nio.file.Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void invalidNamesNeverBecomePathComponents() {
    for (String[] c : new String[][] {
        {"..", "--name '..' is not a valid name ('..' would leave its folder): use letters,"
            + " digits, '-' and '_', starting with a letter or digit"},
        {"a/b", "--name 'a/b' is not a valid name (no path separators): use letters, digits, '-'"
            + " and '_', starting with a letter or digit"},
        {"/etc", "--name '/etc' is not a valid name (a name, not a path): use letters, digits, '-'"
            + " and '_', starting with a letter or digit"},
        {"", "--name is empty; give a name of letters, digits, '-' and '_'"},
        {".hidden", "--name '.hidden' is not a valid name: use letters, digits, '-' and '_',"
            + " starting with a letter or digit"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Registry(store, tmp.toString(), c[0]), c[0]);
      assertEquals(c[1], e.getMessage());
    }
    IllegalArgumentException root = assertThrows(IllegalArgumentException.class,
        () -> new Registry(store, " ", "ok"));
    assertEquals("--registry is required: the root directory or URI of the model registry",
        root.getMessage());
    assertTrue(tmp.toFile().list().length == 0, "nothing was created");
  }

  @Test
  void versionsAreNumberedPastTheHighestEvenAfterPruning() throws IOException {
    Registry r = entry();
    assertEquals(List.of(), r.versions());
    assertNull(r.champion());
    assertEquals("v000001", r.nextVersion());
    for (int i = 1; i <= 4; i++) {
      add(r, r.nextVersion());
    }
    r.setChampion("v000002");
    assertEquals(List.of("v000001", "v000002", "v000003", "v000004"), r.versions());
    assertEquals(List.of("v000001", "v000003"), r.prune(1));
    assertEquals(List.of("v000002", "v000004"), r.versions(), "the champion is never pruned");
    assertEquals("v000005", r.nextVersion());
    assertEquals(List.of(), r.prune(2), "newest two are the champion and v000004");
    IllegalArgumentException keep = assertThrows(IllegalArgumentException.class,
        () -> r.prune(0));
    assertEquals("--keep must be at least 1, got 0", keep.getMessage());
    assertEquals("v000123", Registry.versionName(123));
    assertEquals(123, Registry.number("v000123"));
    assertThrows(IllegalArgumentException.class, () -> Registry.versionName(1_000_000));
  }

  @Test
  void aDamagedPointerIsReportedNotFollowed() throws IOException {
    Registry r = entry();
    add(r, "v000001");
    java.nio.file.Path pointer = tmp.resolve("churn").resolve(Registry.CHAMPION_FILE);
    Files.writeString(pointer, "../../etc\n");
    RegistryException bad = assertThrows(RegistryException.class, r::champion);
    assertEquals("file:" + pointer + " holds '../../etc', not a version name like v000001; the"
        + " registry is damaged (repair it with dptrain registry promote)", bad.getMessage());
    Files.writeString(pointer, "v000007\n");
    RegistryException missing = assertThrows(RegistryException.class, r::champion);
    assertEquals("file:" + pointer + " names v000007, but file:" + tmp.resolve("churn/v000007")
        + " does not exist; the registry is damaged (repair it with dptrain registry promote)",
        missing.getMessage());
    RegistryException set = assertThrows(RegistryException.class, () -> r.setChampion("v000009"));
    assertEquals("cannot make v000009 the champion: file:" + tmp.resolve("churn/v000009")
        + " does not exist", set.getMessage());
    assertEquals("v000007\n", Files.readString(pointer), "a refused change leaves the pointer");
  }

  @Test
  void championPointerIsReplacedAtomically() throws Exception {
    Registry r = entry();
    add(r, "v000001");
    add(r, "v000002");
    r.setChampion("v000001");
    AtomicBoolean stop = new AtomicBoolean();
    List<String> seen = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try {
        while (!stop.get()) {
          seen.add(r.champion());
        }
      } catch (Throwable t) {
        failures.add(t);
      }
    });
    reader.start();
    for (int i = 0; i < 300; i++) {
      r.setChampion(i % 2 == 0 ? "v000002" : "v000001");
    }
    stop.set(true);
    reader.join();
    assertEquals(List.of(), failures, "a reader never sees a missing, empty or partial pointer");
    assertFalse(seen.isEmpty());
    assertTrue(seen.stream().allMatch(v -> v.equals("v000001") || v.equals("v000002")), "" + seen);
    assertEquals("v000001", r.champion());
    assertEquals(List.of(Registry.CHAMPION_FILE, "v000001", "v000002"),
        names(tmp.resolve("churn")), "no temporary file is left");
  }

  @Test
  void cleanStagingRemovesOnlyWhatAnInterruptedWriterLeft() throws IOException {
    Registry r = entry();
    add(r, "v000001");
    r.setChampion("v000001");
    java.nio.file.Path dir = tmp.resolve("churn");
    Files.createDirectories(dir.resolve(".v000002.tmp-1234/"));
    Files.writeString(dir.resolve(".v000002.tmp-1234/weights.bin"), "half");
    Files.writeString(dir.resolve(".champion.tmp-5678"), "v000002");
    Files.writeString(dir.resolve("notes.txt"), "kept");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> removed = r.cleanStaging(new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(List.of(".champion.tmp-5678", ".v000002.tmp-1234"), removed);
    assertEquals("removed file:" + dir.resolve(".champion.tmp-5678") + ", left by an interrupted"
        + " run\nremoved file:" + dir.resolve(".v000002.tmp-1234") + ", left by an interrupted"
        + " run\n", out.toString(StandardCharsets.UTF_8));
    assertEquals(List.of(Registry.CHAMPION_FILE, "notes.txt", "v000001"), names(dir));
    assertEquals("v000002", r.nextVersion());
  }

  @Test
  void recordsAreReadBackAndBadOnesNamed() throws IOException {
    Registry r = entry();
    add(r, "v000001");
    assertEquals("v000001", r.record("v000001").get("version").asText());
    r.addVersion("v000002", List.of(new HadoopFiles.NamedBytes(Registry.REGISTRY_JSON,
        "[1]".getBytes(StandardCharsets.UTF_8))));
    RegistryException e = assertThrows(RegistryException.class, () -> r.record("v000002"));
    assertEquals("file:" + tmp.resolve("churn/v000002/registry.json") + " is not a JSON object",
        e.getMessage());
  }

  @Test
  void aRecordPastTheJsonLimitsIsRefusedNamingTheFile() throws IOException {
    Registry r = entry();
    r.addVersion("v000001", List.of(new HadoopFiles.NamedBytes(Registry.REGISTRY_JSON,
        ("{\"deep\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}")
            .getBytes(StandardCharsets.UTF_8))));
    RegistryException deep = assertThrows(RegistryException.class, () -> r.record("v000001"));
    assertTrue(deep.getMessage().startsWith("file:" + tmp.resolve("churn/v000001/registry.json")
        + " is refused: Document nesting depth (65) exceeds the maximum allowed (64)"),
        deep.getMessage());
    r.addVersion("v000002", List.of(new HadoopFiles.NamedBytes(Registry.REGISTRY_JSON,
        "{\"metric\": 1,\n\"metric\": 2}".getBytes(StandardCharsets.UTF_8))));
    RegistryException dup = assertThrows(RegistryException.class, () -> r.record("v000002"));
    assertEquals("file:" + tmp.resolve("churn/v000002/registry.json") + ": field 'metric' appears"
        + " twice (lines 1 and 2)", dup.getMessage());
  }

  @Test
  void aHugeChampionPointerIsRefusedWithoutReadingItAll() throws IOException {
    Registry r = entry();
    add(r, "v000001");
    java.nio.file.Path pointer = tmp.resolve("churn").resolve(Registry.CHAMPION_FILE);
    Files.writeString(pointer, "v000001" + " ".repeat(10_000));
    RegistryException e = assertThrows(RegistryException.class, r::champion);
    assertEquals("file:" + pointer + " has more than " + Registry.MAX_POINTER_BYTES + " bytes, the"
        + " most dptrain reads, not a version name like v000001; the registry is damaged (repair"
        + " it with dptrain registry promote)", e.getMessage());
  }
}
