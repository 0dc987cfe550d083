package org.dptrain.driver.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.model.ModelFileException;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFilesTest {
  private static final NetworkSpec SPEC =
      NetworkSpec.of(new int[] {2, 3, 1}, List.of("tanh", "sigmoid"), "binary_cross_entropy");

  @TempDir
  java.nio.file.Path tmp;

  private final HadoopFiles store = new HadoopFiles(new Configuration());

  private static Model model(double scale) {
    double[] w = new double[SPEC.numParams()];
    for (int i = 0; i < w.length; i++) {
      w[i] = scale * (i - 4.5) / 7.0;
    }
    return new Model(SPEC, w);
  }

  private List<String> namesIn(java.nio.file.Path dir) throws IOException {
    try (Stream<java.nio.file.Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void modelRoundTripsBitForBitAndReadsWithTheNioReader() throws IOException {
    Path dir = store.path("file://" + tmp.resolve("m1"));
    Model m = model(1.0);
    store.writeModel(dir, m);
    Model back = store.readModel(dir);
    assertArrayEquals(m.weights(), back.weights());
    assertEquals(SPEC, back.spec());
    // the same directory as ModelFile writes: no .crc side files, no staging left
    assertEquals(List.of("m1"), namesIn(tmp));
    assertEquals(List.of(ModelFile.MODEL_JSON, ModelFile.WEIGHTS_BIN), namesIn(tmp.resolve("m1")));
    assertArrayEquals(m.weights(), ModelFile.read(tmp.resolve("m1")).weights());
  }

  @Test
  void plainLocalPathsAreQualified() {
    Path p = store.path(tmp.resolve("x").toString());
    assertEquals("file", p.toUri().getScheme());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.path(" "));
    assertEquals("a path or URI is required, got an empty one", e.getMessage());
  }

  @Test
  void refusesToOverwriteAModelAndLeavesItIntact() throws IOException {
    Path dir = store.path(tmp.resolve("m").toString());
    store.writeModel(dir, model(1.0));
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> store.writeModel(dir, model(2.0)));
    assertEquals(dir + " exists; choose another name or remove it", e.getMessage());
    assertArrayEquals(model(1.0).weights(), store.readModel(dir).weights());
    assertEquals(List.of("m"), namesIn(tmp));
  }

  @Test
  void aModelWithANonFiniteWeightWritesNothing() throws IOException {
    double[] w = model(1.0).weights();
    w[3] = Double.NaN;
    Path dir = store.path(tmp.resolve("bad").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.writeModel(dir, new Model(SPEC, w)));
    assertEquals("parameter 3 is NaN; a model holds only finite weights", e.getMessage());
    assertEquals(List.of(), namesIn(tmp));
  }

  @Test
  void readingNamesWhatIsWrong() throws IOException {
    Path missing = store.path(tmp.resolve("none").toString());
    ModelFileException e = assertThrows(ModelFileException.class, () -> store.readModel(missing));
    assertEquals("model directory not found: " + missing, e.getMessage());

    Path dir = store.path(tmp.resolve("m").toString());
    store.writeModel(dir, model(1.0));
    byte[] bytes = Files.readAllBytes(tmp.resolve("m").resolve(ModelFile.WEIGHTS_BIN));
    bytes[5] ^= 1;
    Files.write(tmp.resolve("m").resolve(ModelFile.WEIGHTS_BIN), bytes);
    e = assertThrows(ModelFileException.class, () -> store.readModel(dir));
    assertTrue(e.getMessage().startsWith(dir + "/weights.bin was altered or corrupted: its"
        + " SHA-256 is "), e.getMessage());

    Files.delete(tmp.resolve("m").resolve(ModelFile.MODEL_JSON));
    e = assertThrows(ModelFileException.class, () -> store.readModel(dir));
    assertEquals(dir + "/model.json is missing", e.getMessage());
  }

  @Test
  void filesAreReplacedWhole() throws IOException {
    Path f = store.path(tmp.resolve("d").resolve("latest").toString());
    assertNull(store.readFile(f, 100));
    store.writeFile(f, "one".getBytes(StandardCharsets.UTF_8), false);
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> store.writeFile(f, "two".getBytes(StandardCharsets.UTF_8), false));
    assertEquals(f + " exists", e.getMessage());
    store.writeFile(f, "three".getBytes(StandardCharsets.UTF_8), true);
    assertEquals("three", new String(store.readFile(f, 100), StandardCharsets.UTF_8));
    assertEquals(List.of("latest"), namesIn(tmp.resolve("d")));
  }

  @Test
  void readFileRefusesMoreThanItsLimitNamingFileSizeAndLimit() throws IOException {
    Path f = store.path(tmp.resolve("ten").toString());
    store.writeFile(f, "0123456789".getBytes(StandardCharsets.UTF_8), false);
    assertEquals("0123456789", new String(store.readFile(f, 10), StandardCharsets.UTF_8));
    HadoopFiles.FileTooLargeException e = assertThrows(HadoopFiles.FileTooLargeException.class,
        () -> store.readFile(f, 9));
    assertEquals(f + " has 10 bytes, more than the 9 dptrain reads from it", e.getMessage());
    assertEquals(10, e.size());
    assertEquals(9, e.limit());
    assertEquals("a read limit must be in [0, " + HadoopFiles.MAX_ARRAY_BYTES + "], got -1",
        assertThrows(IllegalArgumentException.class, () -> store.readFile(f, -1)).getMessage());
  }

  @Test
  void readFileEnforcesItsLimitWhileReadingWhenTheStatusIsWrong() throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.lying.impl", ZeroLengthStatusFileSystem.class.getName());
    conf.setBoolean("fs.lying.impl.disable.cache", true);
    HadoopFiles lying = new HadoopFiles(conf);
    Files.writeString(tmp.resolve("ten"), "0123456789");
    Path f = lying.path("lying://" + tmp.resolve("ten"));
    assertEquals(0, lying.fs(f).getFileStatus(f).getLen(), "the status says empty");
    assertEquals("0123456789", new String(lying.readFile(f, 10), StandardCharsets.UTF_8));
    HadoopFiles.FileTooLargeException e = assertThrows(HadoopFiles.FileTooLargeException.class,
        () -> lying.readFile(f, 9));
    assertEquals(f + " holds more bytes than its status says, more than the 9 dptrain reads from"
        + " it", e.getMessage());
    assertEquals(-1, e.size());
  }

  @Test
  void readModelBoundsModelJsonBeforeReadingIt() throws IOException {
    Path dir = store.path(tmp.resolve("huge").toString());
    store.writeModel(dir, model(1.0));
    java.nio.file.Path json = tmp.resolve("huge").resolve(ModelFile.MODEL_JSON);
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(json.toFile(), "rw")) {
      f.setLength(org.dptrain.json.BoundedJson.MAX_DOCUMENT_BYTES + 1); // sparse: no disk used
    }
    ModelFileException e = assertThrows(ModelFileException.class, () -> store.readModel(dir));
    assertEquals(new Path(dir, ModelFile.MODEL_JSON) + " has "
        + (org.dptrain.json.BoundedJson.MAX_DOCUMENT_BYTES + 1) + " bytes, more than the "
        + org.dptrain.json.BoundedJson.MAX_DOCUMENT_BYTES + " dptrain reads from it",
        e.getMessage());
  }

  /** The local filesystem under scheme {@code lying:}, whose status says every file is empty. */
  public static final class ZeroLengthStatusFileSystem extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create("lying:///");
    }

    @Override
    public String getScheme() {
      return "lying";
    }

    @Override
    public FileStatus getFileStatus(Path p) throws IOException {
      FileStatus s = super.getFileStatus(p);
      return new FileStatus(0, s.isDirectory(), s.getReplication(), s.getBlockSize(),
          s.getModificationTime(), s.getPath());
    }
  }

  @Test
  void exclusiveCreateSucceedsOnce() throws IOException {
    Path lock = store.path(tmp.resolve("lock").toString());
    assertTrue(store.createExclusive(lock, "a".getBytes(StandardCharsets.UTF_8)));
    assertFalse(store.createExclusive(lock, "b".getBytes(StandardCharsets.UTF_8)));
    assertEquals("a", new String(store.readFile(lock, 100), StandardCharsets.UTF_8));
    store.delete(lock);
    assertFalse(store.exists(lock));
  }

  @Test
  void exclusiveCreateHasOneWinnerUnderContention() throws Exception {
    // Hadoop's local create(f, false) checks, then opens: four threads at once often both won
    int rounds = 200;
    int threads = 4;
    List<String> doubleWins = new java.util.ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int r = 0; r < rounds; r++) {
        Path lock = store.path(tmp.resolve("r" + r).resolve(".lock").toString());
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Callable<Boolean>> contenders = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          byte[] content = ("holder " + t).getBytes(StandardCharsets.UTF_8);
          contenders.add(() -> {
            barrier.await(30, TimeUnit.SECONDS);
            return store.createExclusive(lock, content);
          });
        }
        int wins = 0;
        for (Future<Boolean> f : pool.invokeAll(contenders)) {
          // get() rethrows what a contender threw (wrapped in ExecutionException): the test fails
          if (f.get()) {
            wins++;
          }
        }
        if (wins != 1) {
          doubleWins.add("round " + r + ": " + wins + " winners");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), doubleWins);
  }

  @Test
  void listsSortedAndToleratesAMissingDirectory() throws IOException {
    Path dir = store.path(tmp.resolve("l").toString());
    assertEquals(List.of(), store.list(dir));
    for (String n : List.of("v000002", "v000001", "v000010")) {
      store.writeModel(new Path(dir, n), model(1.0));
    }
    assertEquals(List.of("v000001", "v000002", "v000010"),
        store.list(dir).stream().map(s -> s.getPath().getName()).toList());
  }
}
