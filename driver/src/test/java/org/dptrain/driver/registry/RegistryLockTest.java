package org.dptrain.driver.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.hadoop.conf.Configuration;
import org.dptrain.driver.fs.HadoopFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry lock: exclusive, stale detection by pid on this host, break-lock, release. */
class RegistryLockTest {
  @TempDir
  java.nio.file.Path tmp;

  private final HadoopFiles store = new HadoopFiles(new Configuration());
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

  private Registry entry() {
    return new Registry(store, tmp.toString(), "churn");
  }

  private java.nio.file.Path lockFile() {
    return tmp.resolve("churn").resolve(Registry.LOCK_FILE);
  }

  private void writeLock(RegistryLock.Holder h) throws IOException {
    Files.createDirectories(tmp.resolve("churn"));
    Files.write(lockFile(), h.toBytes());
  }

  /** The pid of a process that has exited. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void aSecondAcquireIsRefusedNamingTheHolderUntilRelease() throws IOException {
    Registry r = entry();
    RegistryLock lock = RegistryLock.acquire(store, r, null, false, print);
    RegistryLock.Holder me = lock.holder();
    assertEquals(ProcessHandle.current().pid(), me.pid());
    assertEquals(me, RegistryLock.Holder.parse(Files.readAllBytes(lockFile())));
    RegistryLockedException e = assertThrows(RegistryLockedException.class,
        () -> RegistryLock.acquire(store, r, null, false, print));
    assertEquals(r.dir() + " is locked by " + me.describe() + "; another run of 'churn' is in"
        + " progress. If none is, rerun with --break-lock (lock file " + r.dir() + "/.lock)",
        e.getMessage());
    assertEquals(1, lock.whileHeld(() -> 1));
    lock.close();
    assertFalse(Files.exists(lockFile()));
    IllegalStateException released = assertThrows(IllegalStateException.class,
        () -> lock.whileHeld(() -> 1));
    assertEquals("the registry lock " + r.dir() + "/.lock was released (shutting down); nothing"
        + " more is written", released.getMessage());
    lock.close();
    try (RegistryLock again = RegistryLock.acquire(store, r, null, false, print)) {
      assertTrue(Files.exists(lockFile()));
    }
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aStaleLockOfThisHostIsBrokenAndItsScratchRemoved() throws Exception {
    java.nio.file.Path scratch = Files.createTempDirectory(Retrainer.SCRATCH_PREFIX + "test-");
    Files.writeString(scratch.resolve("partial"), "x");
    RegistryLock.Holder dead = new RegistryLock.Holder(RegistryLock.hostName(), deadPid(),
        Instant.parse("2026-01-01T00:00:00Z"), scratch.toString());
    writeLock(dead);
    Registry r = entry();
    try (RegistryLock lock = RegistryLock.acquire(store, r, null, false, print)) {
      assertEquals(ProcessHandle.current().pid(),
          RegistryLock.Holder.parse(Files.readAllBytes(lockFile())).pid());
    }
    assertEquals("warning: removing stale lock " + r.dir() + "/.lock: " + dead.describe()
        + " is no longer running\nremoved " + scratch + ", the scratch directory of that run\n",
        out.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(scratch));
  }

  @Test
  void aReusedPidDoesNotKeepALockAlive() {
    // this JVM started before 2001? no: so a lock "taken" in 2000 by our pid is a previous holder's
    RegistryLock.Holder old = new RegistryLock.Holder(RegistryLock.hostName(),
        ProcessHandle.current().pid(), Instant.parse("2000-01-01T00:00:00Z"), null);
    assertFalse(RegistryLock.alive(old));
    RegistryLock.Holder current = new RegistryLock.Holder(RegistryLock.hostName(),
        ProcessHandle.current().pid(), Instant.now(), null);
    assertTrue(RegistryLock.alive(current));
  }

  @Test
  void aLiveHolderOrAnotherHostOrGarbageKeepsTheLock() throws Exception {
    Registry r = entry();
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      RegistryLock.Holder live = new RegistryLock.Holder(RegistryLock.hostName(), sleeper.pid(),
          Instant.now().plus(1, ChronoUnit.SECONDS), null);
      writeLock(live);
      RegistryLockedException e = assertThrows(RegistryLockedException.class,
          () -> RegistryLock.acquire(store, r, null, false, print));
      assertTrue(e.getMessage().startsWith(r.dir() + " is locked by " + live.describe()
          + "; another run"), e.getMessage());
      assertArrayEquals(live.toBytes(), Files.readAllBytes(lockFile()), "left as it was");
    } finally {
      sleeper.destroyForcibly();
    }

    RegistryLock.Holder remote = new RegistryLock.Holder("elsewhere.example", deadPid(),
        Instant.parse("2026-01-01T00:00:00Z"), null);
    writeLock(remote);
    RegistryLockedException other = assertThrows(RegistryLockedException.class,
        () -> RegistryLock.acquire(store, r, null, false, print));
    assertEquals(r.dir() + " is locked by " + remote.describe() + " (another host: this one"
        + " cannot check whether it is still running); another run of 'churn' is in progress."
        + " If none is, rerun with --break-lock (lock file " + r.dir() + "/.lock)",
        other.getMessage());

    Files.writeString(lockFile(), "");
    RegistryLockedException empty = assertThrows(RegistryLockedException.class,
        () -> RegistryLock.acquire(store, r, null, false, print));
    assertTrue(empty.getMessage().startsWith(r.dir() + " is locked by an unknown holder ("
        + r.dir() + "/.lock does not name a lock holder: that takes a JSON object of host, pid"
        + " and startedAt); "), empty.getMessage());
    assertEquals("", out.toString(StandardCharsets.UTF_8));

    try (RegistryLock broken = RegistryLock.acquire(store, r, null, true, print)) {
      assertEquals(ProcessHandle.current().pid(),
          RegistryLock.Holder.parse(Files.readAllBytes(lockFile())).pid());
    }
    assertEquals("warning: --break-lock: removing " + r.dir() + "/.lock, held by an unknown holder"
        + " (" + r.dir() + "/.lock does not name a lock holder: that takes a JSON object of host,"
        + " pid and startedAt)\n", out.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(lockFile()));
  }

  @Test
  void aDuplicateKeyTooDeepOrTooLargeLockIsNamedAndBreakable() throws Exception {
    Registry r = entry();
    Files.createDirectories(tmp.resolve("churn"));
    String lock = r.dir() + "/.lock";
    Files.writeString(lockFile(), "{\"host\": \"h\",\n \"pid\": 1, \"pid\": 2,"
        + " \"startedAt\": \"2026-11-24T13:00:00Z\"}");
    assertTrue(refusal(r).startsWith(r.dir() + " is locked by an unknown holder (" + lock
        + ": field 'pid' appears twice (line 2, columns 2 and 12)); "), refusal(r));
    Files.writeString(lockFile(), "[".repeat(1000));
    assertTrue(refusal(r).startsWith(r.dir() + " is locked by an unknown holder (" + lock
        + " is refused: Document nesting depth (65) exceeds the maximum allowed (64)"),
        refusal(r));
    Files.write(lockFile(), new byte[(int) RegistryLock.MAX_LOCK_BYTES + 1]);
    assertTrue(refusal(r).startsWith(r.dir() + " is locked by an unknown holder (" + lock
        + " has " + (RegistryLock.MAX_LOCK_BYTES + 1) + " bytes, more than the "
        + RegistryLock.MAX_LOCK_BYTES + " dptrain reads from it); "), refusal(r));
    try (RegistryLock broken = RegistryLock.acquire(store, r, null, true, print)) {
      assertEquals(ProcessHandle.current().pid(),
          RegistryLock.Holder.parse(Files.readAllBytes(lockFile())).pid());
    }
    assertFalse(Files.exists(lockFile()));
  }

  private String refusal(Registry r) {
    return assertThrows(RegistryLockedException.class,
        () -> RegistryLock.acquire(store, r, null, false, print)).getMessage();
  }

  @Test
  void holderJsonRoundTripsAndRejectsGarbage() {
    RegistryLock.Holder h = new RegistryLock.Holder("h", 42, Instant.parse(
        "2026-11-24T13:00:00Z"), "/tmp/x");
    assertEquals(h, RegistryLock.Holder.parse(h.toBytes()));
    assertEquals("pid 42 on host h since 2026-11-24T13:00:00Z", h.describe());
    assertNull(RegistryLock.Holder.parse("{\"host\":\"h\"}".getBytes(StandardCharsets.UTF_8)));
    assertNull(RegistryLock.Holder.parse("not json".getBytes(StandardCharsets.UTF_8)));
  }
}
