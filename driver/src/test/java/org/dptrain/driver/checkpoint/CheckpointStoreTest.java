package org.dptrain.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing, verifying and skipping checkpoints on the local filesystem (no Spark). */
class CheckpointStoreTest {
  private static final NetworkSpec SPEC =
      NetworkSpec.of(new int[] {2, 3, 1}, List.of("tanh", "sigmoid"), "binary_cross_entropy");

  @TempDir
  Path tmp;

  private CheckpointStore store(int keepLast) {
    return new CheckpointStore(new HadoopFiles(new Configuration()), tmp.resolve("ckpts").toString(),
        keepLast);
  }

  private static CheckpointState state(long step, boolean best) {
    double[] w = new double[SPEC.numParams()];
    double[] opt = new double[2 * w.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = step + i / 7.0;
      opt[i] = -i / 3.0;
      opt[w.length + i] = i * 1e-300;
    }
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("step", step);
    s.put("lossSum", 0.1 + 0.2);
    return new CheckpointState(step, new Model(SPEC, w), opt, best ? w.clone() : null, s);
  }

  private Path dir(String name) {
    return tmp.resolve("ckpts").resolve(name);
  }

  @Test
  void aCheckpointRoundTripsBitForBitAndTheMarkerNamesTheNewest() throws Exception {
    CheckpointStore store = store(3);
    assertFalse(store.hasCheckpoints());
    CheckpointState s = state(40, true);
    assertEquals("ckpt-000000040", store.write(s));
    assertEquals("ckpt-000000040\n", Files.readString(dir("latest")));
    assertEquals(List.of("best-weights.bin", "manifest.json", "model.json", "optimizer.bin",
        "state.json", "weights.bin"), list(dir("ckpt-000000040")));
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals(List.of(), scan.problems());
    CheckpointState back = scan.newest().state();
    assertEquals(40, back.globalStep());
    assertArrayEquals(s.model().weights(), back.model().weights(), 0.0);
    assertArrayEquals(s.optimizerState(), back.optimizerState(), 0.0);
    assertArrayEquals(s.bestWeights(), back.bestWeights(), 0.0);
    assertEquals(0.1 + 0.2, back.state().get("lossSum").doubleValue(), 0.0);
    assertEquals("ckpt-000000040", store(3).newestGood().newest().name(), "a second reader");
  }

  @Test
  void onlyTheLastNAreKeptAndAFinishedRunClearsThem() throws Exception {
    CheckpointStore store = store(2);
    for (long step : new long[] {10, 20, 30, 40}) {
      store.write(state(step, false));
    }
    assertEquals(List.of("ckpt-000000030", "ckpt-000000040", "latest"), list(tmp.resolve("ckpts")));
    assertEquals(List.of("ckpt-000000040", "ckpt-000000030"), store.names());
    assertNull(store.newestGood().newest().state().bestWeights());
    store.clear();
    assertEquals(List.of(), list(tmp.resolve("ckpts")));
  }

  @Test
  void anAlteredFileIsSkippedForThePreviousGoodCheckpoint() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    store.write(state(20, false));
    byte[] w = Files.readAllBytes(dir("ckpt-000000020").resolve("weights.bin"));
    w[3] ^= 1;
    Files.write(dir("ckpt-000000020").resolve("weights.bin"), w);
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(1, scan.problems().size());
    assertTrue(scan.problems().get(0).matches("skipping checkpoint ckpt-000000020:"
        + " ckpt-000000020/weights.bin was altered or corrupted: its SHA-256 is [0-9a-f]{64},"
        + " manifest.json records [0-9a-f]{64}"), scan.problems().get(0));
  }

  @Test
  void aMissingFileIsSkipped() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    store.write(state(20, false));
    Files.delete(dir("ckpt-000000020").resolve("optimizer.bin"));
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(List.of("skipping checkpoint ckpt-000000020: ckpt-000000020/optimizer.bin is"
        + " missing"), scan.problems());
  }

  @Test
  void aCheckpointWithoutItsManifestIsIncomplete() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    store.write(state(20, false));
    Files.delete(dir("ckpt-000000020").resolve("manifest.json"));
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(List.of("skipping checkpoint ckpt-000000020: ckpt-000000020/manifest.json is"
        + " missing (the checkpoint is incomplete)"), scan.problems());
  }

  @Test
  void badJsonIsSkipped() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    store.write(state(20, false));
    Files.writeString(dir("ckpt-000000020").resolve("manifest.json"), "{\"format\": \"dptr");
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(1, scan.problems().size());
    assertTrue(scan.problems().get(0).startsWith("skipping checkpoint ckpt-000000020:"
        + " ckpt-000000020/manifest.json is not valid JSON: Unexpected end-of-input"),
        scan.problems().get(0));
  }

  @Test
  void aTruncatedFileIsSkippedNamingBothSizes() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    store.write(state(20, true));
    Path best = dir("ckpt-000000020").resolve("best-weights.bin");
    Files.write(best, java.util.Arrays.copyOf(Files.readAllBytes(best), 100));
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(List.of("skipping checkpoint ckpt-000000020: ckpt-000000020/best-weights.bin has"
        + " 100 bytes, manifest.json records 104"), scan.problems());
  }

  @Test
  void aFileLongerThanTheManifestRecordsIsRefusedWithoutReadingItAll() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    Path opt = dir("ckpt-000000010").resolve("optimizer.bin");
    long recorded = Files.size(opt);
    Files.write(opt, new byte[8], java.nio.file.StandardOpenOption.APPEND);
    assertEquals("ckpt-000000010/optimizer.bin has " + (recorded + 8) + " bytes, manifest.json"
        + " records " + recorded, assertThrows(CheckpointStore.BadCheckpointException.class,
            () -> store.read("ckpt-000000010")).getMessage());
  }

  @Test
  void aManifestWithAKeyTwiceTooDeepOrTooLargeIsSkippedNamingIt() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    Path manifest = dir("ckpt-000000010").resolve("manifest.json");
    String good = Files.readString(manifest);
    Files.writeString(manifest, good.replaceFirst("\\{", "{\"globalStep\": 10,\n"));
    assertEquals("ckpt-000000010/manifest.json: field 'globalStep' appears twice (lines 1 and 2)",
        readFails(store));
    Files.writeString(manifest, "[".repeat(100_000));
    assertTrue(readFails(store).startsWith("ckpt-000000010/manifest.json is refused: Document"
        + " nesting depth (65) exceeds the maximum allowed (64)"), readFails(store));
    Files.write(manifest, new byte[(int) CheckpointStore.MAX_MANIFEST_BYTES + 1]);
    assertEquals("ckpt-000000010/manifest.json has " + (CheckpointStore.MAX_MANIFEST_BYTES + 1)
        + " bytes, more than the " + CheckpointStore.MAX_MANIFEST_BYTES + " dptrain reads",
        readFails(store));
    Files.writeString(manifest, good.replaceFirst("\"bytes\":[0-9]+", "\"bytes\":1" + "0".repeat(12)));
    assertTrue(readFails(store).matches("ckpt-000000010/manifest.json records 10{12} bytes for"
        + " [a-z.-]+; dptrain reads 0 to [0-9]+"), readFails(store));
  }

  @Test
  void aStateWithAKeyTwiceIsRefusedNamingIt() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    Path dir = dir("ckpt-000000010");
    byte[] state = "{\"step\": 1,\n\"step\": 2}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String manifest = Files.readString(dir.resolve("manifest.json"));
    long oldBytes = Files.size(dir.resolve("state.json"));
    String oldSha = org.dptrain.model.ModelFile.sha256(Files.readAllBytes(dir.resolve("state.json")));
    Files.write(dir.resolve("state.json"), state);
    Files.writeString(dir.resolve("manifest.json"), manifest
        .replace("\"bytes\":" + oldBytes + ",\"sha256\":\"" + oldSha + "\"", "\"bytes\":"
            + state.length + ",\"sha256\":\"" + org.dptrain.model.ModelFile.sha256(state) + "\""));
    assertEquals("ckpt-000000010/state.json: field 'step' appears twice (lines 1 and 2)",
        readFails(store));
  }

  @Test
  void aLatestMarkerTooLargeToBeANameIsIgnored() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    Files.write(dir("latest"), new byte[(int) CheckpointStore.MAX_LATEST_BYTES + 1]);
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(List.of(store.root() + "/latest has " + (CheckpointStore.MAX_LATEST_BYTES + 1)
        + " bytes, more than the " + CheckpointStore.MAX_LATEST_BYTES + " dptrain reads from it,"
        + " not a checkpoint name; ignoring it"), scan.problems());
  }

  private static String readFails(CheckpointStore store) {
    return assertThrows(CheckpointStore.BadCheckpointException.class,
        () -> store.read("ckpt-000000010")).getMessage();
  }

  @Test
  void aStagingDirectoryIsIgnoredAndALatestNamingAMissingCheckpointReported() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    // a write killed before its rename, and a marker pointing at a checkpoint that is gone
    Files.createDirectories(tmp.resolve("ckpts/.ckpt-000000020.tmp-1234"));
    Files.writeString(tmp.resolve("ckpts/.ckpt-000000020.tmp-1234/weights.bin"), "x");
    Files.writeString(dir("latest"), "ckpt-000000020\n");
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(List.of("ignoring .ckpt-000000020.tmp-1234: the staging directory of a checkpoint"
        + " write that did not finish", "latest names ckpt-000000020, which does not exist in "
        + store.root() + "; looking for the newest complete checkpoint"), scan.problems());
    store.discardAfter("ckpt-000000010");
    assertEquals(List.of("ckpt-000000010", "latest"), list(tmp.resolve("ckpts")));
  }

  @Test
  void aMarkerThatIsNotANameIsIgnored() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    Files.writeString(dir("latest"), "../../etc/passwd");
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals("ckpt-000000010", scan.newest().name());
    assertEquals(List.of("latest in " + store.root() + " holds '../../etc/passwd', not a"
        + " checkpoint name; ignoring it"), scan.problems());
  }

  @Test
  void whenEveryCheckpointIsBadThereIsNone() throws Exception {
    CheckpointStore store = store(3);
    store.write(state(10, false));
    Files.writeString(dir("ckpt-000000010").resolve("state.json"), "{}");
    CheckpointStore.Scan scan = store.newestGood();
    assertNull(scan.newest());
    assertEquals(1, scan.problems().size());
    assertTrue(scan.problems().get(0).startsWith("skipping checkpoint ckpt-000000010:"
        + " ckpt-000000010/state.json has 2 bytes, manifest.json records "), scan.problems().get(0));
  }

  @Test
  void namesAreCheckedBeforeTheyBecomePaths() throws Exception {
    CheckpointStore store = store(3);
    assertEquals("checkpoint name '../x' is not a valid name ('..' would leave its folder): use"
        + " letters, digits, '-' and '_', starting with a letter or digit",
        assertThrows(IllegalArgumentException.class, () -> store.read("../x")).getMessage());
    assertEquals("ckpt-000000007 does not exist in " + store.root(), assertThrows(
        CheckpointStore.BadCheckpointException.class, () -> store.read("ckpt-000000007"))
        .getMessage());
    assertEquals("--resume 'ckpt-../1' is not a valid name ('..' would leave its folder): use"
        + " letters, digits, '-' and '_', starting with a letter or digit", assertThrows(
        IllegalArgumentException.class, () -> new CheckpointSettings("x",
            CheckpointInterval.parse("1"), 3, "ckpt-../1"))
        .getMessage());
    assertEquals("--resume 'yes' must be latest (the default), if-present, or a checkpoint name"
        + " such as ckpt-000001234", assertThrows(IllegalArgumentException.class,
        () -> new CheckpointSettings("x", CheckpointInterval.parse("1"), 3, "yes"))
        .getMessage());
  }

  @Test
  void nothingIsWrittenForNonFiniteValues() throws Exception {
    CheckpointStore store = store(3);
    CheckpointState s = state(10, false);
    s.optimizerState()[5] = Double.NaN;
    assertEquals("optimizer state value 5 is NaN; a checkpoint holds only finite values",
        assertThrows(IllegalArgumentException.class, () -> store.write(s)).getMessage());
    assertFalse(store.hasCheckpoints());
    assertFalse(Files.exists(dir("latest")));
  }

  @Test
  void intervalsParseInEpochsOrSteps() {
    assertEquals(new CheckpointInterval(2, CheckpointInterval.Unit.EPOCHS),
        CheckpointInterval.parse("2"));
    assertEquals(new CheckpointInterval(1, CheckpointInterval.Unit.EPOCHS),
        CheckpointInterval.parse("1epoch"));
    assertEquals(new CheckpointInterval(500, CheckpointInterval.Unit.STEPS),
        CheckpointInterval.parse("500steps"));
    assertEquals("500steps", CheckpointInterval.parse(" 500 Steps ").toString());
    for (String bad : new String[] {"0", "-1", "2weeks", "steps", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CheckpointInterval.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("--checkpoint-every '" + bad + "' must be "),
          e.getMessage());
    }
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
